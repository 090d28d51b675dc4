using System.CommandLine;

namespace Rsir.Cli;

/// <summary>The <c>rsir</c> command tree; <see cref="Run"/> is the whole program (tests call it in-process).</summary>
public static class CliApp
{
    public static RootCommand Create()
    {
        var root = new RootCommand("rsir: train sequential recommenders, run recursive self-improvement (RSIR) rounds, benchmark.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(DataCommands.Create());
        root.Subcommands.Add(LoopCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(BaselineCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(TheoryCommand.Create());
        root.Subcommands.Add(SelfTestCommand.Create());
        root.Subcommands.Add(GridCommand.Create());
        return root;
    }

    /// <summary>Runs one command line; returns the exit code (0 ok, 2 bad input, 1 failure).</summary>
    public static int Run(string[] args) => CliRunner.Invoke(Create(), args);
}
