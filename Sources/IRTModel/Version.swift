public enum IRTModelVersion { public static let string = "0.1.0" }
