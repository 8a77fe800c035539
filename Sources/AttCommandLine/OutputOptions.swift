import ArgumentParser

/// `--json`: machine-readable output on standard output instead of text for a person. Every tool
/// spells it the same: one JSON object for a result, one object per line (JSON Lines) for a list or
/// a stream.
public struct OutputOptions: ParsableArguments {
  @Flag(help: "Print the result as JSON on standard output: one JSON object or array (a stream: one JSON object per line).")
  public var json = false

  public init() {}
}
