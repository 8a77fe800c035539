import AttRecognition
import AttendanceKit
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

// gallery-bench: what a camera host pays for its gallery over the wire, with the client att-take uses
// (URLSession, JSONDecoder, the matcher's index). Prints one JSON line.
//   gallery-bench full URL TOKEN [RUNS]          the whole gallery: bytes, fetch and decode times (medians)
//   gallery-bench since URL TOKEN VERSION [RUNS]  the changes since VERSION, and the 304 of the newest
let arguments = CommandLine.arguments
guard arguments.count >= 4, ["full", "since"].contains(arguments[1]) else {
  FileHandle.standardError.write(Data("usage: gallery-bench full URL TOKEN [RUNS] | since URL TOKEN VERSION [RUNS]\n".utf8))
  exit(64)
}
let base = arguments[2]
let token = arguments[3]
let since = arguments[1] == "since" ? arguments[4] : nil
let runs = Int(arguments.last!).flatMap { arguments.count > (since == nil ? 4 : 5) ? $0 : nil } ?? 5
let session = URLSession(configuration: .ephemeral)

func get(_ path: String) -> (status: Int, body: Data, seconds: Double) {
  var request = URLRequest(url: URL(string: base + path)!)
  request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
  request.timeoutInterval = 300
  let done = DispatchSemaphore(value: 0)
  nonisolated(unsafe) var result: (Int, Data) = (0, Data())
  let started = Date()
  session.dataTask(with: request) { data, response, _ in
    result = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
    done.signal()
  }.resume()
  done.wait()
  return (result.0, result.1, Date().timeIntervalSince(started))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func ms(_ seconds: Double) -> Double { (seconds * 10000).rounded() / 10 }

func line(_ object: [String: Any]) {
  let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}

if let since {
  var fetches: [Double] = []
  var bytes = 0
  var version = ""
  var changed = 0
  for _ in 0..<runs {
    let reply = get("/api/gallery?since=\(since)")
    guard reply.status == 200, let update = try? JSONDecoder().decode(GalleryUpdate.self, from: reply.body) else {
      FileHandle.standardError.write(Data("gallery-bench: HTTP \(reply.status)\n".utf8))
      exit(1)
    }
    fetches.append(reply.seconds)
    bytes = reply.body.count
    version = update.galleryVersion.description
    changed = update.people.count + update.removed.count
  }
  var notModified: [Double] = []
  for _ in 0..<runs {
    let reply = get("/api/gallery?since=\(version)")
    guard reply.status == 304 else { exit(1) }
    notModified.append(reply.seconds)
  }
  line([
    "delta_bytes": bytes, "delta_people": changed, "delta_ms": ms(median(fetches)), "not_modified_ms": ms(median(notModified)),
  ])
} else {
  var fetches: [Double] = []
  var decodes: [Double] = []
  var bytes = 0
  var version = ""
  var embeddings = 0
  for _ in 0..<runs {
    let reply = get("/api/gallery")
    guard reply.status == 200 else {
      FileHandle.standardError.write(Data("gallery-bench: HTTP \(reply.status)\n".utf8))
      exit(1)
    }
    let started = Date()
    let update = try JSONDecoder().decode(GalleryUpdate.self, from: reply.body)
    let matcher = try GalleryMatcher(gallery: try update.matchingGallery())
    decodes.append(Date().timeIntervalSince(started))
    fetches.append(reply.seconds)
    bytes = reply.body.count
    version = update.galleryVersion.description
    embeddings = matcher.embeddings
  }
  line([
    "embeddings": embeddings, "full_bytes": bytes, "fetch_ms": ms(median(fetches)), "decode_ms": ms(median(decodes)),
    "version": version,
  ])
}
