import Foundation
import IRTModel
import IRTReport

/// Writes a report folder and `--json` all-or-nothing, never losing a file
/// that is not an earlier report (README, "What irt-report writes").
///
/// 1. Everything is first written into a fresh sibling `DIR.tmp-XXXXXX` (and
///    the JSON into `.NAME.tmp-XXXXXX` beside its destination); the signal
///    handlers of ``Temporaries`` remove them if the run is interrupted.
/// 2. Then, holding the lock `.DIR.lock` (``DirectoryLock``) so that runs on
///    the same folder take turns, the destinations are checked again
///    (``OutputTarget``) and the new folder takes the place of `DIR`: on Linux
///    by one `renameat2(RENAME_EXCHANGE)`, so `DIR` always exists, whole; the
///    earlier report, now under the temporary name, is deleted. Where the
///    exchange is not supported, `DIR` is renamed to `DIR.old-XXXXXX` first.
/// 3. The JSON is renamed over its destination.
///
/// A failure at any point removes every temporary and leaves `DIR` and the
/// JSON destination as they were (only a failure of the very last rename, of
/// the JSON, leaves the new `DIR` beside the old JSON); an earlier report this
/// process could not delete is refused before anything is renamed.
enum ReportWriter {
    /// The report's files, in memory (``ReportFiles``).
    static func files(for result: AnalysisResult, mixture: MixtureReport? = nil,
                      title: String?) throws(ReportError) -> [(name: String, data: Data)] {
        do { return try ReportFiles.files(for: result, mixture: mixture, title: title) } catch {
            throw .output(path: "result.json", reason: "cannot encode the result: \(error)")
        }
    }

    /// The environment variable of a test hook: when set to a number of
    /// seconds, the writer sleeps that long after staging every file and
    /// before taking the lock, so that a test can interrupt a run while its
    /// temporaries exist. Read by the writer only; not for normal use.
    static let pauseBeforeRenameVariable = "IRTKIT_TEST_PAUSE_BEFORE_RENAME"

    /// Writes `files` as the folder `directory` (replacing an earlier report
    /// there) and, if asked, `json.data` at `json.url`.
    ///
    /// - Parameters:
    ///   - directory: `--out`, absolute.
    ///   - shownDirectory: `--out` as given, for messages.
    ///   - json: the JSON and `--json` (absolute), with `--json` as given.
    /// - Throws: ``ReportError/outputRefused(option:path:reason:)`` when a
    ///   destination may not be replaced, ``ReportError/output(path:reason:)``
    ///   when writing fails.
    static func write(_ files: [(name: String, data: Data)], to directory: URL, shownAs shownDirectory: String,
                      json: (data: Data, url: URL, shown: String)?) throws(ReportError) {
        let fm = FileManager.default
        let registry = Temporaries.shared
        var staging: String?
        var stagedJSON: String?
        var lock: DirectoryLock?
        var step = directory.path
        defer {
            // Whatever is still registered is ours and unfinished.
            registry.locked { r in
                for path in [staging, stagedJSON].compactMap({ $0 }) {
                    if path == staging { try? fm.removeItem(atPath: path) } else { unlink(path) }
                    r.remove(path)
                }
            }
            lock?.release()
        }
        var destination = try OutputTarget.reportDestination(directory, shownAs: shownDirectory)
        let jsonDestination = try json.map { json throws(ReportError) in
            try OutputTarget.jsonDestination(json.url, shownAs: json.shown)
        }
        let parent = destination.deletingLastPathComponent()
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            let stagingPath = try registry.locked { r in
                let path = try makeTemporaryDirectory(template: destination.path + ".tmp-XXXXXX")
                r.add(path, isDirectory: true)
                return path
            }
            staging = stagingPath
            guard chmod(stagingPath, 0o755) == 0 else { throw posixError("chmod") }
            for file in files {
                step = destination.appendingPathComponent(file.name).path
                try registry.locked { _ in
                    try file.data.write(to: URL(fileURLWithPath: stagingPath).appendingPathComponent(file.name))
                }
            }
            if let json, let jsonDestination {
                step = jsonDestination.path
                stagedJSON = try registry.locked { r in
                    let path = try makeTemporaryFile(template: jsonDestination.deletingLastPathComponent().path
                                                       + "/." + jsonDestination.lastPathComponent + ".tmp-XXXXXX")
                    r.add(path, isDirectory: false)
                    return path
                }
                try registry.locked { _ in try json.data.write(to: URL(fileURLWithPath: stagedJSON!)) }
            }
            pauseForTests()

            step = destination.path
            lock = try DirectoryLock.acquire(for: destination)
        } catch {
            throw ReportError.output(path: step, reason: reason(error))
        }
        // Under the lock: nothing else of ours changes the destinations; check them again.
        destination = try OutputTarget.reportDestination(directory, shownAs: shownDirectory)
        if let json { _ = try OutputTarget.jsonDestination(json.url, shownAs: json.shown) }
        do {
            try registry.locked { r throws in
                try replace(destination, with: staging!, registry: &r)
                staging = nil
                if let staged = stagedJSON, let jsonDestination {
                    step = jsonDestination.path
                    try rename(staged, to: jsonDestination.path)
                    r.remove(staged)
                    stagedJSON = nil
                }
            }
        } catch {
            throw ReportError.output(path: step, reason: reason(error))
        }
    }

    /// Puts the folder `staging` in the place of `destination` and deletes
    /// what was there. Called with the registry locked and the folder's lock held.
    ///
    /// On return `staging` no longer exists (it is `destination`); on a throw,
    /// `destination` is as it was and `staging` is still registered.
    static func replace(_ destination: URL, with staging: String, registry: inout Temporaries.Registry,
                        remove: (String) throws -> Void = { try FileManager.default.removeItem(atPath: $0) }) throws {
        let target = destination.path
        if OutputTarget.kind(of: target) == .nothing {
            // RENAME_NOREPLACE: never clobber a folder created meanwhile (by something that ignores the lock).
            if try !renameAt2(staging, target, flags: renameNoReplace) { try rename(staging, to: target) }
            registry.remove(staging)
            return
        }
        // staging ⇄ destination: the report appears whole, the earlier one is now at `staging`.
        if try renameAt2(staging, target, flags: renameExchange) {
            do {
                try remove(staging)
            } catch {
                // Put the earlier report back (what is left of it) and drop the new one.
                _ = try? renameAt2(staging, target, flags: renameExchange)
                throw CocoaError(.fileWriteNoPermission, userInfo: [
                    NSLocalizedDescriptionKey: "cannot remove the earlier report (\(reason(error))); the new one was not written"])
            }
            registry.remove(staging)
            return
        }
        // No exchange on this file system: move the earlier report away first.
        let old = try makeTemporaryDirectory(template: target + ".old-XXXXXX")
        registry.add(old, isDirectory: true)
        do {
            try rename(target, to: old)   // rename(2) onto an empty directory replaces it
        } catch {
            try? FileManager.default.removeItem(atPath: old)
            registry.remove(old)
            throw error
        }
        do {
            try rename(staging, to: target)
        } catch {
            try? rename(old, to: target)
            registry.remove(old)
            throw error
        }
        do {
            try remove(old)
        } catch {
            // As with the exchange: the earlier report (what is left of it) goes back, the new one is dropped.
            if (try? rename(target, to: staging)) != nil, (try? rename(old, to: target)) != nil {
                registry.remove(old)
            }
            throw CocoaError(.fileWriteNoPermission, userInfo: [
                NSLocalizedDescriptionKey: "cannot remove the earlier report (\(reason(error))); the new one was not written"])
        }
        registry.remove(staging)
        registry.remove(old)
    }

    // MARK: - System calls

    private static let renameNoReplace: UInt32 = 1 << 0
    private static let renameExchange: UInt32 = 1 << 1

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2` (2.28 and later), looked up at run time: Swift does
    /// not see its declaration, which needs `_GNU_SOURCE`.
    private static let renameat2Function: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// `renameat2(from, to, flags)`: `true` when done, `false` when the system
    /// or file system does not support it (then the caller falls back).
    ///
    /// - Throws: any other failure.
    private static func renameAt2(_ from: String, _ to: String, flags: UInt32) throws -> Bool {
        guard let function = renameat2Function else { return false }
        if function(AT_FDCWD, from, AT_FDCWD, to, flags) == 0 { return true }
        if errno == EINVAL || errno == ENOSYS || errno == ENOTSUP { return false }
        throw posixError("rename")
    }

    private static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw posixError("rename") }
    }

    private static func makeTemporaryDirectory(template: String) throws -> String {
        var bytes = Array(template.utf8CString)
        let ok = bytes.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard ok else { throw posixError("mkdtemp") }
        return bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func makeTemporaryFile(template: String) throws -> String {
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw posixError("mkstemp") }
        defer { close(fd) }
        guard fchmod(fd, 0o644) == 0 else { throw posixError("fchmod") }
        return bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func pauseForTests() {
        guard let text = ProcessInfo.processInfo.environment[pauseBeforeRenameVariable],
              let seconds = Double(text), seconds > 0 else { return }
        Thread.sleep(forTimeInterval: seconds)
    }

    static func posixError(_ call: String) -> NSError {
        let code = errno
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: [
            NSLocalizedDescriptionKey: "\(call): \(String(cString: strerror(code)))"])
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return ns.localizedDescription }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
