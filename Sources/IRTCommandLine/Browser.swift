import Foundation

/// `--open`: hands index.html to `xdg-open`, never failing the run.
enum Browser {
    /// Starts `xdg-open file` when there is a display and it is on the PATH (without
    /// waiting for it); returns a line for stdout.
    static func open(_ file: URL) -> String {
        let hint = "Open \(file.absoluteString) in a browser to read the report."
        let environment = ProcessInfo.processInfo.environment
        guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else {
            return "No graphical display (DISPLAY and WAYLAND_DISPLAY are unset). " + hint
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        guard let opener = path.split(separator: ":").lazy
            .map({ URL(fileURLWithPath: String($0)).appendingPathComponent("xdg-open") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            return "xdg-open is not available. " + hint
        }
        let process = Process()
        process.executableURL = opener
        process.arguments = [file.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            return "Opening \(file.path) with xdg-open."
        } catch {
            return "xdg-open could not be started (\(error.localizedDescription)). " + hint
        }
    }
}
