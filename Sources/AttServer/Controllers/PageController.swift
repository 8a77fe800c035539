import Foundation
import Hummingbird
import NIOCore

/// The dashboard's page and script (people), and an empty favicon (open to all).
struct PageController: Sendable {
  func addRoutes(open: Router<AppContext>, people: RouterGroup<AppContext>) {
    open.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    people.get("/") { _, _ in page(PackageResources.dashboard_html, type: "text/html; charset=utf-8") }
    people.get("/dashboard.js") { _, _ in page(PackageResources.dashboard_js, type: "text/javascript; charset=utf-8") }
  }

  func page(_ bytes: [UInt8], type: String) -> Response {
    Response(
      status: .ok, headers: [.contentType: type, .cacheControl: "no-store"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}
