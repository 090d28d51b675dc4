using Rsir.Notebooks.Runner;

// Runs .ipynb notebooks headless, in-process, with the .NET Interactive C# kernel. See NotebookRunner.
return await RunnerCommand.RunAsync(args);
