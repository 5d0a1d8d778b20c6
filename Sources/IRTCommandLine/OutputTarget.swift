import Foundation
import IRTModel
import IRTReport

/// What `irt-report` finds at an output path, and whether it may replace it.
///
/// The rules (README, "What irt-report writes"):
/// - `--json PATH` replaces only a regular file, or creates one. A symbolic
///   link is followed: the regular file it points to is replaced (atomically,
///   in that file's folder) and the link is kept; a link to nothing is
///   followed too when the folder it points into exists. A directory, a
///   character or block device (`/dev/null`), a named pipe or a socket is
///   refused.
/// - `--out DIR` replaces only a folder that is provably an IRTKit report:
///   it holds the marker ``ReportFiles/marker`` and nothing but regular files
///   named in ``ReportFiles/names``; or (reports written before the marker
///   existed) no marker, only such files, and a `result.json` that decodes as
///   an ``AnalysisResult``. An empty folder is used; a missing one is created.
///   A symbolic link is followed to the folder it names.
enum OutputTarget {
    /// The kinds of file system object `lstat` distinguishes, in words.
    enum Kind: Equatable {
        case nothing
        case regularFile
        case directory
        case symbolicLink
        /// A character device, block device, named pipe or socket, described for a person.
        case special(String)
    }

    /// The kind of `path` itself (a symbolic link is not followed).
    static func kind(of path: String) -> Kind {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .nothing }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFCHR: return .special("a character device (such as /dev/null or a terminal)")
        case S_IFBLK: return .special("a block device")
        case S_IFIFO: return .special("a named pipe (FIFO)")
        case S_IFSOCK: return .special("a socket")
        default: return .special("not a regular file")
        }
    }

    /// `url` with symbolic links in its last component followed, up to 40
    /// levels (the kernel's limit); a link to nothing resolves to the missing
    /// path it names.
    ///
    /// - Throws: ``ReportError/outputRefused(option:path:reason:)`` for a loop.
    static func followingLinks(_ url: URL, option: String) throws(ReportError) -> URL {
        var path = url.standardizedFileURL.path
        for _ in 0..<40 {
            guard kind(of: path) == .symbolicLink else { return URL(fileURLWithPath: path) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(path, &buffer, buffer.count - 1)
            guard count >= 0 else { return URL(fileURLWithPath: path) }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let base = URL(fileURLWithPath: path).deletingLastPathComponent()
            path = (target.hasPrefix("/") ? URL(fileURLWithPath: target) : base.appendingPathComponent(target))
                .standardizedFileURL.path
        }
        throw .outputRefused(option: option, path: url.path, reason: "has too many levels of symbolic links")
    }

    /// Where `--json` (or another single-file option, `option`) writes: `url`, or the file its symbolic link names.
    ///
    /// - Throws: ``ReportError/outputRefused(option:path:reason:)`` when that is
    ///   not a regular file or nothing, or its folder does not exist.
    static func jsonDestination(_ url: URL, shownAs shown: String, option: String = "--json") throws(ReportError) -> URL {
        let resolved = try followingLinks(url, option: option)
        let via = resolved.path == url.standardizedFileURL.path ? "" : "is a symbolic link to \(resolved.path), which "
        switch kind(of: resolved.path) {
        case .nothing:
            let folder = resolved.deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .outputRefused(option: option, path: shown, reason: via.isEmpty
                    ? "is in a folder that does not exist (\(folder)); create it first"
                    : "\(via)lies in a folder that does not exist; irt-report creates a file only in an existing folder")
            }
            return resolved
        case .regularFile:
            return resolved
        case .directory:
            throw .outputRefused(option: option, path: shown,
                                 reason: "\(via)is a directory; give a file path such as \(shown)/result.json")
        case .symbolicLink:
            return resolved   // unreachable: followingLinks stops at a non-link
        case let .special(what):
            throw .outputRefused(option: option, path: shown,
                                 reason: "\(via)is \(what); irt-report only replaces a regular file (or creates one), so nothing was written there")
        }
    }

    /// Where `--out` writes: `url`, or the folder its symbolic link names,
    /// after checking that what is there may be replaced and that this process
    /// could delete it.
    ///
    /// - Throws: ``ReportError/outputRefused(option:path:reason:)`` otherwise.
    static func reportDestination(_ url: URL, shownAs shown: String) throws(ReportError) -> URL {
        let resolved = try followingLinks(url, option: "--out")
        switch kind(of: resolved.path) {
        case .nothing:
            return resolved
        case .directory:
            if let refusal = refusalToReplace(resolved) ?? refusalToRemove(resolved) {
                throw .outputRefused(option: "--out", path: shown, reason: refusal)
            }
            return resolved
        case .regularFile, .symbolicLink:
            throw .outputRefused(option: "--out", path: shown, reason: "exists and is not a directory; choose a directory path")
        case let .special(what):
            throw .outputRefused(option: "--out", path: shown, reason: "is \(what), not a directory; choose a directory path")
        }
    }

    /// Why the existing folder `directory` may not be replaced, or `nil` when it may
    /// (it is empty, or provably an IRTKit report).
    static func refusalToReplace(_ directory: URL) -> String? {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            return "exists but cannot be listed (\(error.localizedDescription))"
        }
        if names.isEmpty { return nil }
        let foreign = names.filter { !ReportFiles.names.contains($0) }.sorted()
        if !foreign.isEmpty {
            let list = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", …" : "")
            return "exists and holds files that are not an irt-report output (\(list)); it would be replaced, so choose another directory or move those files"
        }
        let notFiles = names.filter { kind(of: directory.appendingPathComponent($0).path) != .regularFile }.sorted()
        if !notFiles.isEmpty {
            return "exists and holds \(notFiles.joined(separator: ", ")), which is not a regular file; irt-report replaces only a folder of its own files"
        }
        if names.contains(ReportFiles.marker) { return nil }
        // A report written before the marker existed: its result.json must be ours.
        let result = directory.appendingPathComponent("result.json")
        if names.contains("result.json"), let data = try? Data(contentsOf: result),
           (try? ResultJSON.decoder().decode(AnalysisResult.self, from: data)) != nil {
            return nil
        }
        return "exists but is not an irt-report output (no \(ReportFiles.marker) marker, and no result.json written by IRTKit); it is left as it is: choose another directory, or delete it yourself"
    }

    /// Why the files of `directory` could not be deleted by this process, or
    /// `nil` when they can: deleting needs write and search permission on the
    /// folder itself. (An immutable file, `chattr +i`, passes this check; the
    /// writer then finds out when it deletes and puts the folder back.)
    static func refusalToRemove(_ directory: URL) -> String? {
        access(directory.path, W_OK | X_OK) == 0 ? nil
            : "holds an earlier report that this process cannot remove (\(String(cString: strerror(errno)))); it is left as it is"
    }
}
