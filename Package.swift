// swift-tools-version: 6.1
import PackageDescription

// dlib at -O0 is ~100x slower (HOG 4 s instead of 30 ms), which would make debug builds and
// `swift test` useless: the C++ engine is optimised in every configuration.
let nativeFlags: [String] = ["-O2", "-I/usr/include/opencv4", "-Wno-deprecated-declarations"]

let package = Package(
  name: "att",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "att-extract", targets: ["att-extract"]),
    .executable(name: "att-register", targets: ["att-register"]),
    .executable(name: "att-take", targets: ["att-take"]),
    .executable(name: "att-worker", targets: ["att-worker"]),
    .executable(name: "att-serve", targets: ["att-serve"]),
    .executable(name: "att-liveness", targets: ["att-liveness"]),
    // The libraries the benchmarks (Benchmarks/, a package of their own) build on.
    .library(name: "FaceKit", targets: ["FaceKit"]),
    .library(name: "AttendanceKit", targets: ["AttendanceKit"]),
    .library(name: "AttQueue", targets: ["AttQueue"]),
    .library(name: "AttRecognition", targets: ["AttRecognition"]),
    .library(name: "AttCamera", targets: ["AttCamera"]),
    // serve-bench's clients of the live feed (Benchmarks/), tested here with 10 of them.
    .library(name: "AttFeedProbe", targets: ["AttFeedProbe"]),
    // The video module, built beside the tools and loaded by them when they open a video.
    .library(name: "CFaceVideo", type: .dynamic, targets: ["CFaceVideo"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    // /metrics: counted through swift-metrics into a Prometheus registry.
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    // Settings: the environment over .env.
    .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    .target(
      name: "CFaceKit",
      cxxSettings: [.unsafeFlags(nativeFlags)],
      linkerSettings: [
        .linkedLibrary("dlib"),
        .linkedLibrary("lapack"),
        .linkedLibrary("blas"),
        .linkedLibrary("opencv_dnn"),
        .linkedLibrary("opencv_calib3d"),
        .linkedLibrary("opencv_video"),
        .linkedLibrary("opencv_imgcodecs"),
        .linkedLibrary("opencv_imgproc"),
        .linkedLibrary("opencv_core"),
      ]
    ),
    .target(name: "FaceKit", dependencies: ["CFaceKit"]),
    // The video module, libCFaceVideo.so: cameras, files and streams read and the annotated .avi
    // written through OpenCV's videoio. No tool links it: CFaceKit loads it with dlopen on the first
    // video opened, because Debian's libopencv_videoio brings FFmpeg and, through it, librabbitmq,
    // libssh and more, which a tool that reads no video (att-extract, att-liveness's photo
    // commands) should not load. It shares CFaceKit's headers, not its code.
    .target(
      name: "CFaceVideo", cxxSettings: [.unsafeFlags(nativeFlags + ["-I\(Context.packageDirectory)/Sources/CFaceKit/include"])],
      linkerSettings: [
        .linkedLibrary("opencv_videoio"), .linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_core"),
        .linkedLibrary("dlib"),
        // FFmpeg itself, for a file's display matrix (a phone's portrait video): see Video.cpp.
        .linkedLibrary("avformat"), .linkedLibrary("avutil"),
      ]),
    .target(name: "FaceVideo", dependencies: ["FaceKit", "CFaceKit"]),
    // The preview window (att-take --preview): the only code that needs OpenCV's highgui, and the
    // GUI toolkit it loads, so the other tools do not link them.
    .target(
      name: "CFacePreview", cxxSettings: [.unsafeFlags(nativeFlags)],
      linkerSettings: [.linkedLibrary("opencv_highgui"), .linkedLibrary("opencv_core")]),
    .target(name: "FacePreview", dependencies: ["FaceKit", "FaceVideo", "CFacePreview"]),
    .target(name: "CRabbitMQ", linkerSettings: [.linkedLibrary("rabbitmq")]),
    // The model and the messages: days and times, people, the messages cameras and tools send and
    // their limits, settings, enrolment's quality gate. No database, no broker.
    .target(
      name: "AttModel",
      dependencies: [
        "FaceKit", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
        .product(name: "Configuration", package: "swift-configuration"),
      ]),
    // The store (the only target that imports GRDB) and what works on it: the message handler, the
    // embeddings and the gallery, the cameras' gallery cache. Re-exports AttModel.
    .target(
      name: "AttendanceKit",
      dependencies: [
        "AttModel", "FaceKit", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // Where frames come from (a camera, a video, an image, a folder of them) and enrolment from
    // them: the tools that read video (att-register, att-take, att-liveness), not att-extract.
    .target(name: "AttFrames", dependencies: ["AttendanceKit", "FaceKit", "FaceVideo"]),
    // Recognition: the frame pipeline, tracks, liveness, identity and a take's run (att-take's
    // library, and the camera host's link to att-serve).
    .target(
      name: "AttRecognition",
      dependencies: ["AttendanceKit", "AttFrames", "FaceKit", "FaceVideo", .product(name: "Logging", package: "swift-log")]),
    // RabbitMQ: the connection, the producers' spool, the worker's consumer, the events. The only
    // target that links librabbitmq, and only the tools that send or consume messages link it.
    .target(
      name: "AttQueue",
      dependencies: ["AttendanceKit", "FaceKit", "CRabbitMQ", .product(name: "Logging", package: "swift-log")]),
    // A camera's run (att-take): the gallery from a database or from att-serve (a camera host), the
    // recognition session's events acted on (snapshots, messages, counts), the camera's status.
    .target(
      name: "AttCamera",
      dependencies: [
        "AttRecognition", "AttQueue", "AttendanceKit", "AttFrames", "FaceKit", "FaceVideo",
        .product(name: "Logging", package: "swift-log"),
      ]),
    // Evaluation and synthesis: attack videos made from stills and clips, the liveness cues scored
    // on them, the texture trainer. Used by att-liveness, sample-video and the tests; the production
    // tools do not link it.
    .target(name: "AttEvaluation", dependencies: ["AttendanceKit", "AttFrames", "AttRecognition", "FaceKit", "FaceVideo"]),
    .target(
      name: "AttCommandLine",
      dependencies: [
        "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // How a producer's messages travel (direct, or through the broker): the tools that send messages.
    .target(
      name: "AttDeliveryOptions",
      dependencies: [
        "AttCommandLine", "AttQueue", "AttendanceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "att-extract",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-worker",
      dependencies: [
        "AttDeliveryOptions", "AttQueue",
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-liveness",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "AttEvaluation", "AttRecognition", "FaceKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-take",
      dependencies: [
        "AttDeliveryOptions", "AttCamera",
        "AttCommandLine", "AttendanceKit", "AttFrames", "AttRecognition", "FaceKit", "FaceVideo", "FacePreview",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "att-register",
      dependencies: [
        "AttDeliveryOptions", "AttFrames",
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The web side (Hummingbird) lives apart from the tools that do not serve HTTP.
    // Many clients of att-serve's live feed, as open dashboards are (serve-bench, and a test).
    .target(
      name: "AttFeedProbe",
      dependencies: [
        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .target(
      name: "AttServer",
      dependencies: [
        "AttendanceKit", "AttQueue", "FaceKit",
        // PBKDF2 for passwords, HMAC for session cookies, SHA-256 for token and session digests.
        .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "NIOWebSocket", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "CoreMetrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      resources: [
        .embedInCode("Resources/dashboard.html"), .embedInCode("Resources/dashboard.js"),
        .embedInCode("Resources/login.html"),
      ]
    ),
    .executableTarget(
      name: "att-serve",
      dependencies: [
        "AttDeliveryOptions",
        "AttServer", "AttCommandLine", "AttendanceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "sample-video", dependencies: ["FaceKit", "FaceVideo", "AttEvaluation"]),
    // Paths of the real test material and a runner for the built tools, shared by the test targets.
    .target(
      name: "AttTestSupport", dependencies: ["FaceKit", "FaceVideo", "AttFrames", "AttendanceKit", "AttEvaluation", .product(name: "Logging", package: "swift-log")],
      path: "Tests/AttTestSupport"),
    .testTarget(name: "FaceKitTests", dependencies: ["FaceKit", "FaceVideo", "AttTestSupport"]),
    .testTarget(
      name: "AttCommandLineTests",
      dependencies: [
        "AttCommandLine", "AttendanceKit", "FaceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(
      name: "AttendanceKitTests",
      dependencies: [
        "AttendanceKit", "AttModel", "AttFrames", "AttRecognition", "AttCamera", "AttQueue", "AttEvaluation", "AttTestSupport",
        "CRabbitMQ", "FaceVideo",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(name: "att-extractTests", dependencies: ["att-extract", "AttTestSupport", "FaceKit", "AttendanceKit"]),
    .testTarget(
      name: "att-workerTests",
      dependencies: [
        "att-worker", "att-register", "AttTestSupport", "AttendanceKit", "AttQueue", .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(name: "att-takeTests", dependencies: ["att-take", "AttTestSupport", "AttendanceKit", "FaceKit", "FaceVideo"]),
    .testTarget(
      name: "AttServerTests",
      dependencies: [
        "AttServer", "AttendanceKit", "AttQueue", "AttFeedProbe", "FaceKit", "AttTestSupport", "att-serve",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]),
    .testTarget(
      name: "SystemTests",
      dependencies: [
        "AttTestSupport", "AttendanceKit", "FaceKit", "att-register", "att-extract", "att-take", "att-worker", "att-serve",
        "att-liveness",
        "sample-video",
      ]),
    .testTarget(
      name: "att-livenessTests", dependencies: ["att-liveness", "AttTestSupport", "AttendanceKit", "AttEvaluation", "FaceKit"]),
    .testTarget(name: "att-registerTests", dependencies: ["att-register", "AttTestSupport", "AttendanceKit", "AttQueue", "FaceKit"]),
  ],
  swiftLanguageModes: [.v6],
  cxxLanguageStandard: .cxx17
)
