import Foundation
import Synchronization

/// The files to read, in order: the arguments, where '-' stands for the lines of standard input
/// (read lazily, so a long `find` pipes straight through).
final class InputPaths: Sendable {
  private struct State {
    var arguments: ArraySlice<String>
    var readingStandardInput = false
  }
  private let state: Mutex<State>

  init(arguments: [String]) {
    state = Mutex(State(arguments: arguments[...]))
  }

  func next() -> String? {
    state.withLock { s in
      while true {
        if s.readingStandardInput {
          if let line = readLine() {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            return line
          }
          s.readingStandardInput = false
        }
        guard let argument = s.arguments.popFirst() else { return nil }
        if argument == "-" { s.readingStandardInput = true } else { return argument }
      }
    }
  }
}
