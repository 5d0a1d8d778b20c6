import ArgumentParser
import Foundation

/// Checks of a subcommand's file arguments before anything is read: every
/// input exists and is a file, and no output names an input (writing there
/// would overwrite it).
enum FileArguments {
    /// - Parameters:
    ///   - inputs: (label, path) of each input file, e.g. ("MODEL.json", model).
    ///   - outputs: (option, path) of each output, e.g. ("--json", json); `nil` paths are skipped.
    /// - Throws: `ValidationError` naming the label or option and the path.
    static func check(inputs: [(String, String)], outputs: [(String, String?)]) throws {
        for (label, path) in inputs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(label): no such file: \(path)")
            }
            guard !isDirectory.boolValue else { throw ValidationError("\(label): \(path) is a directory; expected a file") }
        }
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        for (option, path) in outputs {
            guard let path else { continue }
            let target = resolved(path)
            if inputs.contains(where: { resolved($0.1) == target }) {
                throw ValidationError("\(option) \(path) is an input file; writing there would overwrite it")
            }
        }
    }
}
