// MSBuild task (compiled by RoslynCodeTaskFactory against netstandard, see Directory.Build.targets).
//
// TorchSharp 0.107.0's libLibTorchSharp.so asks for GLIBCXX_3.4.32, which Debian 12's libstdc++ (3.4.30) lacks.
// The only symbol bound to that version is the marker std::ios_base_library_init, which is never relocated, so
// flagging that one version-need entry (.gnu.version_r) as weak (VER_FLG_WEAK) lets the dynamic loader accept the
// library without changing anything it executes. We patch the copy in the build output, never the NuGet cache.
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxVersionNeed : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>auto: only when this machine's libstdc++ lacks the version; true: always; false: never.</summary>
    public string Mode { get; set; } = "auto";
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        if (Mode == "false") return true;
        if (Mode == "auto" && (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || SystemLibStdCxxHas(Version))) return true;
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                string outcome = Patch(path, Version);
                Log.LogMessage(MessageImportance.Normal, $"{path}: {outcome}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"Could not weaken {Version} in {path}: {e.Message}");
            }
        }
        return true;
    }

    static bool SystemLibStdCxxHas(string version)
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib",
                          "/usr/lib/aarch64-linux-gnu" };
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var dir in dirs)
        {
            string lib = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(lib)) return IndexOf(File.ReadAllBytes(lib), needle) >= 0;
        }
        return false;
    }

    static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/>. Idempotent.</summary>
    public static string Patch(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            return "not an ELF file, left alone";
        if (elf[4] != 2 || elf[5] != 1) return "not a little-endian ELF64 file, left alone";

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        ushort shentsize = BitConverter.ToUInt16(elf, 0x3A);
        ushort shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)(shoff + (ulong)(s * shentsize)));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int verneedOffset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)(shoff + (ulong)(link * shentsize))) + 0x18));

            int need = verneedOffset;
            while (true)
            {
                ushort count = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = 0; a < count; a++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    int end = Array.IndexOf(elf, (byte)0, name);
                    if (Encoding.ASCII.GetString(elf, name, end - name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return $"{version} already weak";
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        string temp = path + ".patching";
                        File.WriteAllBytes(temp, elf);
                        File.Delete(path);
                        File.Move(temp, path);
                        return $"{version} marked weak";
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        return $"no need for {version}, left alone";
    }
}
