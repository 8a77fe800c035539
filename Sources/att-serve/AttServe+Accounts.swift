import ArgumentParser
import AttCommandLine
import AttServer
import AttendanceKit
import Foundation

/// `att-serve user` and `att-serve token`: the dashboard's accounts and the API tokens.
extension AttServe {
  struct User: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add, list or remove dashboard accounts.",
      subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Add an account (or, with --replace, change its password or role).",
        discussion: """
          The password is read from standard input (one line), so it never appears in the shell's \
          history or the process list: `att-serve user add ana --role admin`, then type it; or \
          `printf '%s\\n' "$PASSWORD" | att-serve user add ana`. At least 10 characters. It is \
          stored as a PBKDF2-HMAC-SHA256 digest (600,000 iterations, random salt).
          """)

      @Argument(help: "The account name (letters, digits, . _ - @).")
      var name: String

      @Option(
        help:
          "viewer (reads everything), teacher (sees and corrects their --class only) or admin (also renames, removes, corrects, and deals with unknown faces).")
      var role: RoleArgument = .viewer

      @Option(
        name: .customLong("class"),
        help: "A teacher's class (repeat for each): the only classes they see and correct.")
      var classes: [String] = []

      @Flag(help: "Change an existing account's password and role.")
      var replace = false

      @OptionGroup var database: DatabaseOptions

      func run() throws {
        try reportingErrors("att-serve") {
          let store = try database.open()
          if isatty(0) == 1 { FileHandle.standardError.write(Data("password for \(name): ".utf8)) }
          guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw ToolError("no password on standard input", exitCode: .usage)
          }
          do {
            try Accounts(store: store).addUser(name, password: password, role: role.role, classes: classes, replace: replace)
          } catch let error as Accounts.AccountError {
            throw ToolError(error.description, exitCode: .usage)
          }
          let known = Set(try store.classes().map(\.id))
          for classID in classes where !known.contains(classID) {
            Console.error("att-serve: note: no class '\(classID)' yet (enrol pupils with --class \(classID))")
          }
          Console.output(
            "\(replace ? "updated" : "added") \(name) (\(role.rawValue)\(classes.isEmpty ? "" : ": " + classes.joined(separator: ", ")))")
        }
      }
    }

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "List accounts and API tokens.")
      @OptionGroup var database: DatabaseOptions
      @OptionGroup var output: OutputOptions

      func run() throws {
        try reportingErrors("att-serve") {
          let accounts = try database.openReadOnly().map { try Accounts(store: $0).list() } ?? []
          if output.json {
            Console.output(try JSONText.encode(accounts))
          } else {
            for a in accounts {
              Console.output(
                "\(a.kind.padding(toLength: 6, withPad: " ", startingAt: 0)) \(a.name) (\(a.role)\(a.classes.map { ": " + $0 } ?? ""))")
            }
          }
        }
      }
    }

    struct Remove: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Remove an account; its sessions stop working at once.")
      @Argument var name: String
      @OptionGroup var database: DatabaseOptions

      func run() throws {
        try reportingErrors("att-serve") {
          let store = try database.open()
          do { try Accounts(store: store).removeUser(name) } catch let error as Accounts.AccountError {
            throw ToolError(error.description)
          }
          Console.output("removed \(name)")
        }
      }
    }
  }

  struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make or revoke API tokens for scripts (Authorization: Bearer TOKEN).",
      subcommands: [Add.self, Revoke.self])

    struct Add: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Make a token and print it: it is shown this once (only its SHA-256 is stored).")
      @Argument(help: "A name for the token, e.g. the script or host that uses it.")
      var name: String
      @Option(
        help:
          "viewer, admin, or camera (for a camera host's att-take: reads the gallery and posts its status, nothing else).")
      var role: Role = .viewer
      @Option(
        name: .customLong("device"),
        help: ArgumentHelp(
          "A camera token's device id (repeat for each camera of the host): it may report for these ids only, and no other token may. Without it, a camera token may claim up to \(AttendanceStore.devicesPerToken) ids.",
          valueName: "id"))
      var devices: [String] = []
      @OptionGroup var database: DatabaseOptions

      func run() throws {
        try reportingErrors("att-serve") {
          let store = try database.open()
          do { Console.output(try Accounts(store: store).addToken(name, role: role, devices: devices)) } catch let error
            as Accounts.AccountError
          {
            throw ToolError(error.description, exitCode: .usage)
          }
        }
      }
    }

    struct Revoke: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Revoke a token by name.")
      @Argument var name: String
      @OptionGroup var database: DatabaseOptions

      func run() throws {
        try reportingErrors("att-serve") {
          let store = try database.open()
          do { try Accounts(store: store).revokeToken(name) } catch let error as Accounts.AccountError {
            throw ToolError(error.description)
          }
          Console.output("revoked \(name)")
        }
      }
    }
  }
}
