public enum IRTKitVersion { public static let string = "0.1.0" }
