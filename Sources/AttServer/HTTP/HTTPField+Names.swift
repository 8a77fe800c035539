import HTTPTypes

extension HTTPField.Name {
  static var xContentTypeOptions: Self { .init("X-Content-Type-Options")! }
  static var xFrameOptions: Self { .init("X-Frame-Options")! }
  static var referrerPolicy: Self { .init("Referrer-Policy")! }
  static var csrfToken: Self { .init("X-CSRF-Token")! }
  static var strictTransportSecurity: Self { .init("Strict-Transport-Security")! }
}
