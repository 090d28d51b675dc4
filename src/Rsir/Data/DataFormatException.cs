namespace Rsir.Data;

/// <summary>Bad input data: names the file, the 1-based line and the offending value.</summary>
public sealed class DataFormatException : Exception
{
    public string File { get; }
    public int Line { get; }
    public string? Value { get; }

    public DataFormatException(string file, int line, string? value, string problem)
        : base(line > 0 ? $"{file}:{line}: {problem}" + (value is null ? "" : $" (value: '{Truncate(value)}')")
                        : $"{file}: {problem}")
    {
        File = file; Line = line; Value = value;
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
