import ArgumentParser

/// `--log-format`: for the long-running tools, whose lines go to journald or a log shipper.
public struct LogOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The lines on standard error: text for people, or json, one object per line (time, level, tool, component, message) for journald and log shippers. (default: $ATT_LOG_FORMAT, else text)",
      valueName: "format"))
  public var logFormat: LogFormat?

  public init() {}
}
