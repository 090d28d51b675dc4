return Rsir.Cli.CliApp.Run(args);
