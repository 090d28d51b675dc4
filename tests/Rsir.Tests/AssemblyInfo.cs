// Tests train models with torch's process-wide random generator (weight init, dropout); running test classes in
// parallel would interleave their draws and make "same seed, same numbers" checks meaningless.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
