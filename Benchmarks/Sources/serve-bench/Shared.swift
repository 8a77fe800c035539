import Logging

let logger = Logger(label: "serve-bench")
