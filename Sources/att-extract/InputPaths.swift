import Foundation

/// The files to read, in order: the arguments, where '-' stands for the lines of standard input
/// (read lazily, so a long `find` pipes straight through).
final class InputPaths: @unchecked Sendable {
  private var arguments: ArraySlice<String>
  private var readingStandardInput = false
  private let lock = NSLock()

  init(arguments: [String]) {
    self.arguments = arguments[...]
  }

  func next() -> String? {
    lock.withLock {
      while true {
        if readingStandardInput {
          if let line = readLine() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            return line
          }
          readingStandardInput = false
        }
        guard let argument = arguments.popFirst() else { return nil }
        if argument == "-" { readingStandardInput = true } else { return argument }
      }
    }
  }
}
