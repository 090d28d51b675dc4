using System.CommandLine;
using Rsir.Experiments;
using Rsir.Runtime;
using Spectre.Console;

namespace Rsir.Cli;

/// <summary><c>rsir selftest --device cuda</c>: every backbone, the evaluator, judge and generator on a device vs the CPU.</summary>
internal static class SelfTestCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "Device to check against the CPU", DefaultValueFactory = _ => "auto" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object as the last line" };
        var command = new Command("selftest", "Check that every component gives the CPU's results on a device (CUDA).") { device, json };
        command.SetAction(parse =>
        {
            var target = ComputeDevice.Resolve(parse.GetValue(device));
            var checks = DeviceSelfTest.Run(target);
            var table = new Table().AddColumns("check", "result", "max difference", "detail");
            foreach (var c in checks) table.AddRow(c.Name, c.Passed ? "[green]pass[/]" : "[red]FAIL[/]", $"{c.MaxDifference:G3}", Markup.Escape(c.Detail));
            CliRunner.Progress.Write(table);
            CliRunner.Progress.WriteLine($"device: {ComputeDevice.Describe(target)}");
            CliRunner.Emit(parse.GetValue(json), new { command = "selftest", device = ComputeDevice.Describe(target), passed = checks.All(c => c.Passed), checks });
            return checks.All(c => c.Passed) ? 0 : CliRunner.Failure;
        });
        return command;
    }
}
