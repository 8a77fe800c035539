/// The version every tool prints with --version.
public enum AttVersion {
  public static let current = "0.9.0"
}
