using System.Globalization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;
using Rsir.Experiments;
using Rsir.Training;

namespace Rsir.Interactive;

/// <summary>
/// A live status display for long cells: finished lines stay, the last line is replaced as work goes on. In a
/// notebook it is one output updated in place; outside one (tests, scripts) each update is printed.
/// </summary>
public sealed class Progress
{
    private readonly List<string> finished = new();
    private readonly DisplayedValue? displayed;
    private string current = "";

    private Progress(string first)
    {
        current = first;
        var context = KernelInvocationContext.Current;
        displayed = context is null ? null : KernelInvocationContextExtensions.Display(context, Text, PlainTextFormatter.MimeType);
        if (displayed is null) Console.WriteLine(first);
    }

    public static Progress Show(string first = "starting…") => new(first);

    /// <summary>
    /// The stage lines of <see cref="TheoryCheck.Compare"/>, each labelled with its run: it checks the judged run, then
    /// the unjudged one with the reference judge and E_max model the first check trained (loaded again, not retrained).
    /// </summary>
    public static Action<string> TheoryStages(Action<string>? write = null)
    {
        write ??= Console.WriteLine;
        int run = 0;
        return line =>
        {
            if (line.StartsWith("reference judge", StringComparison.Ordinal)) run++;
            bool reused = run > 1 && !line.StartsWith("miss rate", StringComparison.Ordinal);
            write($"{(run > 1 ? "no-judge run" : "judged run")}: {line}{(reused ? " (the judged run's, reused)" : "")}");
        };
    }

    /// <summary>Shows training progress of <paramref name="trainer"/>, epoch by epoch.</summary>
    public static Progress Track(Trainer trainer, string label)
    {
        var progress = new Progress($"{label}: starting");
        trainer.EpochCompleted += report => progress.Update(Describe(label, report));
        return progress;
    }

    /// <summary>Shows an RSIR loop's stages and epochs; each finished round leaves a line.</summary>
    public static Progress Track(RsirLoop loop, string label)
    {
        var progress = new Progress($"{label}: starting");
        loop.Stage += (round, stage) => progress.Update($"{label} round {round}: {stage}");
        loop.EpochCompleted += (round, report) => progress.Update(Describe($"{label} round {round}", report));
        loop.RoundCompleted += r => progress.Keep(string.Create(CultureInfo.InvariantCulture,
            $"{label} round {r.Round}: test NDCG@20 {r.Ndcg(20):F4}, Recall@20 {r.Recall(20):F4}; {r.TrainRows:N0} training rows " +
            $"({r.SyntheticRows:N0} synthetic); {r.EpochsRun} epochs; {r.Seconds:F0} s"));
        return progress;
    }

    private string Text => string.Join('\n', finished.Append(current).Where(l => l.Length > 0));

    /// <summary>Replaces the last line.</summary>
    public void Update(string line)
    {
        current = line;
        Refresh(line);
    }

    /// <summary>Keeps <paramref name="line"/> above the changing last line.</summary>
    public void Keep(string line)
    {
        finished.Add(line);
        current = "";
        Refresh(line);
    }

    private void Refresh(string line)
    {
        if (displayed is not null) displayed.Update(Text);
        else Console.WriteLine(line);
    }

    private static string Describe(string label, EpochReport e) => string.Create(CultureInfo.InvariantCulture,
        $"{label}: epoch {e.Epoch}/{e.MaxEpochs}, loss {e.Loss:F4}, validation {e.ValidationScore:F4} " +
        $"(best {e.BestScore:F4} at epoch {e.BestEpoch}), {e.TrainSeconds:F1} s training + {e.ValidationSeconds:F1} s validation");
}
