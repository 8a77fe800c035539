import CFaceKit

/// The thread pools of the native libraries, set deliberately against the callers' own threads.
public enum NativeThreads {
  /// Sets the threads OpenCV's parallel loops may use (RetinaFace's forward passes, resizes); 0 or
  /// less restores OpenCV's default, every core. Returns the number now in use. Process-wide.
  @discardableResult
  public static func setOpenCV(_ threads: Int) -> Int {
    Int(cfk_set_opencv_threads(Int32(clamping: threads)))
  }
}
