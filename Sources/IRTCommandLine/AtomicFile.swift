import Foundation

/// Writes one file all-or-nothing: the bytes go to a temporary sibling
/// (`.NAME.tmp-XXXXXX`), which is then renamed over the target, so a reader
/// sees the old file or the new one, never a part. Only a regular file (or
/// nothing) is replaced; a symbolic link is followed and its target replaced.
enum AtomicFile {
    /// Writes `data` at `url`.
    ///
    /// - Throws: ``ReportError/output(path:reason:)`` when the target exists and
    ///   is not a regular file, or the folder cannot be written.
    static func write(_ data: Data, to url: URL) throws(ReportError) {
        let target = url.resolvingSymlinksInPath()
        var info = stat()
        if lstat(target.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw .output(path: url.path, reason: "it exists and is not a regular file; only a regular file is replaced")
        }
        let folder = target.deletingLastPathComponent().path
        var template = Array((folder + "/." + target.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .output(path: url.path, reason: String(cString: strerror(errno))) }
        let staged = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            guard fchmod(fd, 0o644) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(staged, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? handle.close()
            unlink(staged)
            throw .output(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }
}
