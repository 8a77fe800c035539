import Foundation

/// Hides the password of a URL in messages: amqp://user:***@host/vhost.
public enum Redaction {
  public static func url(_ text: String) -> String {
    guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
    let credentials = text[scheme.upperBound..<at]
    guard let colon = credentials.firstIndex(of: ":") else { return text }
    return text[..<colon] + ":***" + text[at...]
  }
}
