using System.CommandLine;
using Rsir.Cli;

var root = new RootCommand("RSIR workbench: train sequential recommenders, run recursive self-improvement rounds, benchmark.");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(DataCommands.Create());
root.Subcommands.Add(LoopCommand.Create());
root.Subcommands.Add(BaselineCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return CliRunner.Invoke(root, args);
