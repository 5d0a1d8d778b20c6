import ArgumentParser
import Foundation

/// Checks of a subcommand's file arguments before anything is read: every
/// input exists and is a readable file (a pipe such as `<(…)` counts), and no
/// output is an input or would delete one.
///
/// Inputs are protected by **identity** — the device and inode `stat(2)`
/// reports, after following symbolic links — not by the text of their paths:
/// `./m.csv`, `data/../m.csv`, a symbolic link to it and a hard link are the
/// same file, and `--json` naming any of them would overwrite the input.
enum FileArguments {
    /// The identity of a file system object: its device and inode, from
    /// `stat(2)` (symbolic links followed); `nil` when nothing is there.
    struct Identity: Hashable {
        let device: UInt64
        let inode: UInt64

        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }
    }

    /// - Parameters:
    ///   - inputs: (label, path) of each input file, e.g. ("MODEL.json", model); `nil` paths are skipped.
    ///   - outputs: (option, path) of each output file, e.g. ("--json", json); `nil` paths are skipped.
    ///   - folder: (option, path) of an output folder that is replaced as a whole (`--out`), if any.
    /// - Throws: `ValidationError` naming the label or option and the path.
    static func check(inputs: [(String, String?)], outputs: [(String, String?)],
                      folder: (String, URL)? = nil) throws(ValidationError) {
        let inputs = inputs.compactMap { label, path in path.map { (label, $0) } }
        for (label, path) in inputs { try requireFile(path, label: label) }
        for (option, path) in outputs {
            guard let path else { continue }
            guard !path.isEmpty, !path.hasSuffix("/") else {
                throw ValidationError("\(option) needs a file path (got \"\(path)\"), e.g. \(option) result\(option == "--csv" ? ".csv" : ".json")")
            }
        }
        try protect(inputs, outputs: outputs.compactMap { option, path in path.map { (option, $0) } }, folder: folder)
    }

    /// Refuses an output that is one of `inputs` (same identity, at the path the writers
    /// write: `..` resolved in the text first), and an
    /// input that lies in `folder` (an ancestor of its real path has the
    /// folder's identity, or the folder holds it, e.g. by a hard link).
    static func protect(_ inputs: [(String, String)], outputs: [(String, String)],
                        folder: (String, URL)?) throws(ValidationError) {
        let identities = inputs.map { (label: $0.0, path: $0.1, identity: Identity(path: $0.1)) }
        for (option, path) in outputs {
            // The writers resolve `..` in the text before the kernel follows links
            // (`standardizedFileURL`, OutputTarget): the file they would replace is that one.
            let written = URL(fileURLWithPath: path).standardizedFileURL.path
            guard let target = Identity(path: written) else { continue }   // nothing there yet: not an input
            if let input = identities.first(where: { $0.identity == target }) {
                throw ValidationError("\(option) \(path) is the \(input.label) file\(input.path == path ? "" : " \(input.path)"); writing there would overwrite your input")
            }
        }
        guard let folder, let folderIdentity = Identity(path: folder.1.path) else { return }
        let (option, url) = folder
        let held = Set(((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
            .compactMap { Identity(path: url.appendingPathComponent($0).path) })
        for input in identities {
            guard let identity = input.identity else { continue }
            if held.contains(identity) || ancestors(of: input.path).contains(folderIdentity) {
                throw ValidationError("\(input.label) \(input.path) is inside \(option) \(url.path), which is replaced on every run; move the file or choose another \(option)")
            }
        }
    }

    /// The identities of the folders above `path`'s real location (symbolic
    /// links resolved by `realpath(3)`); none for a pipe or a missing file.
    private static func ancestors(of path: String) -> [Identity] {
        guard let real = realpath(path, nil) else { return [] }
        defer { free(real) }
        var url = URL(fileURLWithPath: String(cString: real))
        var out: [Identity] = []
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            if let identity = Identity(path: url.path) { out.append(identity) }
        }
        return out
    }

    /// Checks that `path` is a readable file (or pipe), with the system's reason when it is not.
    ///
    /// - Throws: `ValidationError` "LABEL: no such file: PATH", "… is a directory; expected a file",
    ///   "… is a loop of symbolic links", or "… is not readable (REASON)".
    static func requireFile(_ path: String, label: String) throws(ValidationError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR:
                var link = stat()
                if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
                    throw ValidationError("\(label): \(path) is a symbolic link to nothing (its target does not exist)")
                }
                throw ValidationError("\(label): no such file: \(path)")
            case ELOOP:
                throw ValidationError("\(label): \(path) is a loop of symbolic links (too many levels); it names no file")
            default:
                throw ValidationError("\(label): \(path) cannot be opened (\(String(cString: strerror(code))))")
            }
        }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw ValidationError("\(label): \(path) is a directory; expected a file")
        }
        guard access(path, R_OK) == 0 else {
            throw ValidationError("\(label): \(path) is not readable (check its permissions)")
        }
    }
}
