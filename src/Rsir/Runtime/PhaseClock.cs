using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rsir.Runtime;

/// <summary>Time, calls and floating-point work of one named phase.</summary>
public sealed record PhaseTime(string Phase, double Seconds, long Calls, double Flops)
{
    public double GflopPerSecond => Seconds > 0 && Flops > 0 ? Flops / Seconds / 1e9 : double.NaN;
}

/// <summary>
/// Where the time of a run goes, for <c>rsir bench --phases</c>: named phases timed on the host, the forward pass of
/// every module by type (from forward hooks, exclusive of the module's children, so the parts add up), the matrix-product
/// work of linear layers and attention (<see cref="Models.IAttentionWork"/>) counted from the shapes they saw, and garbage-collection pauses.
/// On the CPU every kernel is synchronous, so host time is compute time; on an accelerator the clock waits for the device
/// at each boundary (which slows the run it measures). Phases may nest; the report lists each by its own name, so a
/// caller that nests decides what adds up. Not thread-safe: one clock per run.
/// </summary>
public sealed class PhaseClock
{
    private readonly Dictionary<string, (double Seconds, long Calls, double Flops)> phases = new();
    private readonly Stack<(long Start, double ChildSeconds)> openModules = new();
    private readonly Device device;
    private TimeSpan gcPauseAtStart = GC.GetTotalPauseDuration();

    public PhaseClock(Device? device = null) => this.device = device ?? CPU;

    /// <summary>Times the phase until the returned scope is disposed: <c>using (clock?.Time("backward")) …</c>.</summary>
    public PhaseScope Time(string phase)
    {
        Wait();
        return new PhaseScope(this, phase, Stopwatch.GetTimestamp());
    }

    /// <summary>Adds floating-point operations to a phase (counted by formula by the caller).</summary>
    public void AddWork(string phase, double flops) => Add(phase, 0, 0, flops);

    /// <summary>Hooks every submodule of <paramref name="model"/>: its forward time goes to "forward: {type}", exclusive of
    /// its children; linear layers and causal attention also add their matrix-product work. Dispose to unhook.</summary>
    public IDisposable Observe(nn.Module model)
    {
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            if (module is not nn.Module<Tensor, Tensor> hookable) continue;
            string phase = $"forward: {module.GetType().Name}";
            removers.Add(hookable.register_forward_pre_hook((_, input) =>
            {
                Wait();
                openModules.Push((Stopwatch.GetTimestamp(), 0));
                return input;
            }).remove);
            removers.Add(hookable.register_forward_hook((m, input, output) =>
            {
                Wait();
                var (start, childSeconds) = openModules.Pop();
                double inclusive = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (openModules.TryPop(out var parent)) openModules.Push((parent.Start, parent.ChildSeconds + inclusive));
                Add(phase, inclusive - childSeconds, 1, ForwardFlops(m, input));
                return output;
            }).remove);
        }
        return new Unhook(removers);
    }

    /// <summary>Matrix-product work of one forward call: 2·rows·in·out for a linear layer, the module's own count for
    /// attention.</summary>
    private static double ForwardFlops(nn.Module module, Tensor input)
    {
        switch (module)
        {
            case TorchSharp.Modules.Linear linear:
                long inFeatures = linear.weight!.shape[1], outFeatures = linear.weight!.shape[0];
                return 2.0 * (input.numel() / inFeatures) * inFeatures * outFeatures;
            case Models.IAttentionWork attention when input.dim() == 3:
                return attention.AttentionFlops(input.shape[0], input.shape[1]);
            default:
                return 0;
        }
    }

    /// <summary>Garbage-collection pauses since the clock started or was last reset, in seconds.</summary>
    public double GcPauseSeconds => (GC.GetTotalPauseDuration() - gcPauseAtStart).TotalSeconds;

    public IReadOnlyList<PhaseTime> Phases =>
        phases.Select(p => new PhaseTime(p.Key, p.Value.Seconds, p.Value.Calls, p.Value.Flops)).ToArray();

    public PhaseTime this[string phase] =>
        phases.TryGetValue(phase, out var p) ? new PhaseTime(phase, p.Seconds, p.Calls, p.Flops) : new PhaseTime(phase, 0, 0, 0);

    public void Reset()
    {
        phases.Clear();
        gcPauseAtStart = GC.GetTotalPauseDuration();
    }

    private void Add(string phase, double seconds, long calls, double flops)
    {
        phases.TryGetValue(phase, out var p);
        phases[phase] = (p.Seconds + seconds, p.Calls + calls, p.Flops + flops);
    }

    private void Wait()
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }

    public readonly struct PhaseScope(PhaseClock clock, string phase, long start) : IDisposable
    {
        public void Dispose()
        {
            clock.Wait();
            clock.Add(phase, Stopwatch.GetElapsedTime(start).TotalSeconds, 1, 0);
        }
    }

    private sealed class Unhook(List<Action> removers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var remove in removers) remove();
        }
    }
}
