import ArgumentParser

/// `--log-format`: on every tool; for journald, cron mail and log shippers.
public struct LogOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "The lines on standard error: text for people, or json, one object per line (time, level, tool, component, message) for journald and log shippers. (default: $ATT_LOG_FORMAT, else text)",
      valueName: "format"))
  public var logFormat: LogFormat?

  public init() {}
}
