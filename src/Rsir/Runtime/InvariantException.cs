namespace Rsir.Runtime;

/// <summary>
/// A check between the workbench's own parts failed (shapes two internal steps agree on, a state one step leaves for the
/// next): a bug, not bad input. The command line does not classify it, so it ends with its stack trace instead of being
/// reported as "bad input" (exit 2) or a failure while working (exit 1).
/// </summary>
public sealed class InvariantException(string message) : Exception(message);
