import Foundation
import IRTModel
import IRTReport

/// Writes a report directory and `--json` all-or-nothing.
///
/// Everything is first written into a fresh sibling `DIR.tmp-XXXXXX` (and the
/// JSON into a sibling `.NAME.tmp-XXXXXX`); only then is an existing `DIR`
/// renamed away, the new one renamed in, and the old one deleted. A failure
/// before that point removes the temporaries and leaves `DIR` untouched.
enum ReportWriter {
    /// The report's files, in memory (``ReportFiles``).
    static func files(for result: AnalysisResult, title: String?) throws(ReportError) -> [(name: String, data: Data)] {
        do { return try ReportFiles.files(for: result, title: title) } catch {
            throw .output(path: "result.json", reason: "cannot encode the result: \(error)")
        }
    }

    /// Whether an existing directory may be replaced: it is empty, or every
    /// entry in it is a file of an earlier report.
    static func mayReplace(_ directory: URL) -> Bool {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return false }
        return names.allSatisfy(ReportFiles.names.contains)
    }

    /// Writes `files` as the directory `directory` (replacing it) and, if asked, `json.data` at `json.url`.
    static func write(_ files: [(name: String, data: Data)], to directory: URL, json: (data: Data, url: URL)?) throws(ReportError) {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        var stagedDirectory: URL?
        var stagedJSON: URL?
        var step = directory.path
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            let staging = try makeTemporaryDirectory(template: directory.path + ".tmp-XXXXXX")
            stagedDirectory = staging
            guard chmod(staging.path, 0o755) == 0 else { throw posixError("chmod") }
            for file in files {
                step = directory.appendingPathComponent(file.name).path
                try file.data.write(to: staging.appendingPathComponent(file.name))
            }
            if let json {
                step = json.url.path
                let staged = try makeTemporaryFile(template: json.url.deletingLastPathComponent().path
                                                     + "/." + json.url.lastPathComponent + ".tmp-XXXXXX")
                stagedJSON = staged
                try json.data.write(to: staged)
            }
            step = directory.path
            try replaceDirectory(directory, with: staging)
            stagedDirectory = nil
            if let json, let staged = stagedJSON {
                step = json.url.path
                try rename(staged, to: json.url)
                stagedJSON = nil
            }
        } catch {
            if let stagedDirectory { try? fm.removeItem(at: stagedDirectory) }
            if let stagedJSON { try? fm.removeItem(at: stagedJSON) }
            throw .output(path: step, reason: Self.reason(error))
        }
    }

    /// Renames `directory` away (if it exists), `staging` in, then deletes the old one.
    private static func replaceDirectory(_ directory: URL, with staging: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            try rename(staging, to: directory)
            return
        }
        guard isDirectory.boolValue, mayReplace(directory) else {
            throw CocoaError(.fileWriteFileExists, userInfo: [
                NSLocalizedDescriptionKey: "it exists and is not an earlier irt-report output"])
        }
        // rename(2) onto an empty directory replaces it.
        let old = try makeTemporaryDirectory(template: directory.path + ".old-XXXXXX")
        do {
            try rename(directory, to: old)
        } catch {
            try? fm.removeItem(at: old)
            throw error
        }
        do {
            try rename(staging, to: directory)
        } catch {
            try? rename(old, to: directory)
            throw error
        }
        try? fm.removeItem(at: old)
    }

    private static func rename(_ from: URL, to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else { throw posixError("rename") }
    }

    private static func makeTemporaryDirectory(template: String) throws -> URL {
        var bytes = Array(template.utf8CString)
        let ok = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard ok else { throw posixError("mkdtemp") }
        return URL(fileURLWithPath: bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    private static func makeTemporaryFile(template: String) throws -> URL {
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw posixError("mkstemp") }
        defer { close(fd) }
        guard fchmod(fd, 0o644) == 0 else { throw posixError("fchmod") }
        return URL(fileURLWithPath: bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }

    private static func posixError(_ call: String) -> NSError {
        let code = errno
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: [
            NSLocalizedDescriptionKey: "\(call): \(String(cString: strerror(code)))"])
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return ns.localizedDescription }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
