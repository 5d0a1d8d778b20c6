import Foundation

/// Writes one file all-or-nothing (`irt-report score --csv/--json`), with the
/// rules of `--json` (``OutputTarget``): only a regular file (or nothing) is
/// replaced, a symbolic link is followed to the file it names, and a device,
/// FIFO, socket or folder is refused. The bytes go to a temporary sibling
/// (`.NAME.tmp-XXXXXX`), registered with ``Temporaries`` so that a signal
/// removes it, which is then renamed over the target: a reader sees the old
/// file or the new one, never a part.
enum AtomicFile {
    /// Writes `data` at `url`; `option` names the file in errors (`--csv`, `--json`).
    ///
    /// - Throws: ``ReportError/outputRefused(option:path:reason:)`` when the target
    ///   may not be replaced; ``ReportError/output(path:reason:)`` when writing fails.
    static func write(_ data: Data, to url: URL, option: String) throws(ReportError) {
        let target = try OutputTarget.jsonDestination(url.standardizedFileURL, shownAs: url.path, option: option)
        let folder = target.deletingLastPathComponent().path
        var template = Array((folder + "/." + target.lastPathComponent + ".tmp-XXXXXX").utf8CString)
        let registry = Temporaries.shared
        let fd = registry.locked { (r: inout Temporaries.Registry) -> Int32 in
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 { r.add(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, isDirectory: false) }
            return fd
        }
        guard fd >= 0 else { throw .output(path: url.path, reason: String(cString: strerror(errno))) }
        let staged = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            guard fchmod(fd, 0o644) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            try registry.locked { (r: inout Temporaries.Registry) throws in
                guard rename(staged, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                r.remove(staged)
            }
        } catch {
            try? handle.close()
            registry.locked { (r: inout Temporaries.Registry) in
                unlink(staged)
                r.remove(staged)
            }
            throw .output(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }
}
