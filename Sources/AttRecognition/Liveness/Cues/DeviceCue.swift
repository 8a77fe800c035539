import AttendanceKit
import FaceKit
import Foundation

/// The device cue: is the face on a phone, a laptop or a monitor? An object detector trained on real
/// photos (YOLOv4-tiny on COCO, `ObjectDetector`) looks at the face's surroundings every
/// `deviceInterval` seconds. A face is on a device when a device's box holds the face and the face's
/// own person does not reach out of the device (a live pupil in front of a monitor has a body below
/// it; a face played on a screen has its whole person inside it). The holder of a phone is not the
/// face's own person: a face on a phone is a fraction of a real one, so its holder's body is many of
/// its widths wide (`ownPerson`). It votes attack once the face was on a device in `deviceLooks`
/// looks that are at least half of its looks; one sighting short of a vote holds the live verdict
/// back for `deviceHold` more looks.
///
/// Its classical half needs no detector: a phone or tablet held up shows its border as straight edges
/// on three or four sides of the face (`ObjectDetector.frameSides`), and they stay where they are
/// around the face while the face moves across the view; a door frame or a window stays put while the
/// face moves in front of it. A look is "held" when, against an earlier look of the last two seconds
/// with the face moved at least `frameShift` face widths, `frameSides` or more sides are found in
/// both at offsets within `frameTolerance` face widths. It votes attack after `deviceLooks` held
/// looks. Votes attack only.
public struct DeviceCue: TrackCue {
  public static let cue = LivenessCue.device
  let options: LivenessOptions
  public private(set) var looks = 0
  public private(set) var onDevice = 0
  private var last: Double?
  /// Looks whose frame edges stayed with the moving face (see above).
  public private(set) var heldLooks = 0
  private var frames: [(time: Double, x: Double, y: Double, width: Double, sides: [Double?])] = []

  init(options: LivenessOptions) { self.options = options }

  /// The pixels are looked at by the caller's detector (`look(at:)`, `observe(objects:face:at:)`).
  public mutating func observe(_ sample: CueSample) {}

  /// Whether a look is due at `time`.
  public func due(at time: Double) -> Bool { last.map { time - $0 >= options.deviceInterval } ?? true }

  /// The region to give the detector for `face` in a frame of `width` x `height`: a square 7 face
  /// widths on a side, centred a face width and a half below the face (the body below it), moved
  /// inside the frame (a frame smaller than that is seen whole).
  public static func region(around face: FaceBox, width: Int, height: Int) -> FaceBox {
    let side = min(max(face.width * 7, 160), max(width, height))
    let cx = (face.left + face.right) / 2, cy = (face.top + face.bottom) / 2 + face.width * 3 / 2
    var left = cx - side / 2, top = cy - side / 2
    left = max(0, min(left, width - side))
    top = max(0, min(top, height - side))
    return FaceBox(left: left, top: top, right: min(left + side, width), bottom: min(top + side, height))
  }

  /// One look's objects (in frame pixels) around `face`, and the straight edges around it.
  public mutating func observe(objects: [ObjectDetector.Object], sides: [Double?] = [], face: FaceBox, at time: Double) {
    last = time
    looks += 1
    if Self.device(holding: face, among: objects, minScore: options.deviceScore) != nil { onDevice += 1 }
    let here = (time, Double(face.left + face.right) / 2, Double(face.top + face.bottom) / 2, Double(max(face.width, 1)), sides)
    frames.removeAll { time - $0.time > 2 }
    if sides.compactMap({ $0 }).count >= options.frameSides {
      let held = frames.contains { earlier in
        let moved = hypot(here.1 - earlier.x, here.2 - earlier.y) / here.3
        let common = zip(earlier.sides, sides).compactMap { a, b in a.flatMap { a in b.map { abs(a - $0) } } }
        return moved >= options.frameShift && common.count >= options.frameSides
          && common.allSatisfy { $0 <= options.frameTolerance }
      }
      if held { heldLooks += 1 }
      frames.append(here)
    }
  }

  /// The device whose box holds `face` (nine tenths of its area) with no person of the face's own
  /// reaching out of it (by a tenth of the device's size), if any.
  public static func device(holding face: FaceBox, among objects: [ObjectDetector.Object], minScore: Double) -> ObjectDetector
    .Kind?
  {
    let people = objects.filter { ownPerson($0, of: face) }
    for object in objects.sorted(by: { $0.score > $1.score }) where object.kind.isDevice && object.score >= minScore {
      let d = object.box
      let inside = FaceBox(
        left: max(d.left, face.left), top: max(d.top, face.top), right: min(d.right, face.right),
        bottom: min(d.bottom, face.bottom))
      guard face.area > 0, Double(inside.area) >= 0.9 * Double(face.area) else { continue }
      let slackX = d.width / 10, slackY = d.height / 10
      let reachesOut = people.contains {
        $0.box.left < d.left - slackX || $0.box.right > d.right + slackX || $0.box.top < d.top - slackY
          || $0.box.bottom > d.bottom + slackY
      }
      if !reachesOut { return object.kind }
    }
    return nil
  }

  /// Whether `object` is the person whose head `face` is: a person box around the face's centre, at
  /// most `ownPersonWidth` face widths wide, whose top is at most `ownPersonDrop` face heights above
  /// the face's. Over every look at the live clips of ../shared (235 person boxes around live faces,
  /// 2026-12-06) a face's own person is 0.9-5.6 of its widths wide (median 3.0) and its top 0.4 face
  /// heights below to 1.5 above the face's top. A friend holding a phone up before his own body is
  /// 8-15 widths of the face on it: his body does not excuse the phone.
  static func ownPerson(_ object: ObjectDetector.Object, of face: FaceBox) -> Bool {
    let centre = (x: (face.left + face.right) / 2, y: (face.top + face.bottom) / 2)
    let box = object.box
    guard object.kind == .person, box.left <= centre.x, centre.x <= box.right, box.top <= centre.y, centre.y <= box.bottom
    else { return false }
    return Double(box.width) <= ownPersonWidth * Double(max(face.width, 1))
      && Double(face.top - box.top) <= ownPersonDrop * Double(max(face.height, 1))
  }

  /// The widest a face's own person is, in face widths (live at most 5.6: a margin of 16%).
  static let ownPersonWidth = 6.5
  /// How far above the face's top its own person's box may start, in face heights (live at most 1.5).
  static let ownPersonDrop = 2.5

  public func vote(at time: Double) -> Bool? { votedAttack ? false : nil }

  private var votedAttack: Bool {
    (onDevice >= options.deviceLooks && 2 * onDevice >= looks) || heldLooks >= options.deviceLooks
  }

  /// No live verdict before the detector has looked `deviceLooks` times, nor while a sighting is
  /// unresolved: each look that found the face on a device, or held in a moving frame, asks for
  /// `deviceHold` more looks before a live verdict (about 0.9 s at the defaults). A live face is
  /// marked when it looks live and is never on a device: without the hold, a replay seen on its phone
  /// in one of its first two looks was marked by its motion before the second sighting could vote.
  public var isPending: Bool {
    !votedAttack && looks < options.deviceLooks + options.deviceHold * (onDevice + heldLooks)
  }

  public func addFigures(to figures: inout [String: Double]) {
    figures["device_looks"] = Double(looks)
    figures["device_on"] = Double(onDevice)
    figures["frame_held"] = Double(heldLooks)
  }
}
