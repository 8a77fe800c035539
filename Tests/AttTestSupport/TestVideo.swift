import AttEvaluation
import FaceKit

/// The test videos are FaceKit's stills videos: a photo held still, moved as one plane, or nobody.
public typealias TestVideo = StillsVideo
