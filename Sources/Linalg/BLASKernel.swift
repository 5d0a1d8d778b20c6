internal import CLAPACKE
import Foundation

/// Which OpenBLAS kernel set is running, which one the CPU could run, and
/// whether to ask for it.
///
/// A DYNAMIC_ARCH OpenBLAS (Debian's) picks its kernels when it is loaded, from
/// the CPU model it recognises. A CPU newer than the library (Debian 12's
/// OpenBLAS 0.3.21 on a recent AVX-512 server) gets a generic fallback such as
/// `Prescott` (SSE3): correct results, but BLAS-3 about 6× slower. The
/// environment variable `OPENBLAS_CORETYPE` (e.g. `SkylakeX`), present when
/// the process starts, overrides the choice; it cannot take effect later.
///
/// Nothing here prints or changes anything. A program that wants the faster
/// kernels either warns with ``fallbackWarning`` or, like `irt-report`,
/// re-executes itself once with the variable from ``recommendedCoreType(current:cpuFlags:environment:)``.
///
/// ```swift
/// if let message = BLASKernel.fallbackWarning { FileHandle.standardError.write(Data((message + "\n").utf8)) }
/// ```
public enum BLASKernel {
    /// The environment variable OpenBLAS reads at load time to force a kernel set.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"

    /// The kernel set OpenBLAS chose at load time (e.g. `SkylakeX`, `Haswell`, `Prescott`).
    public static var current: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's kernel sets for pre-AVX x86 CPUs (its names, compared without
    /// case). One of these on a CPU with AVX2 is the fallback for a CPU model
    /// the library does not know, not a choice.
    public static let genericKernels: Set<String> = [
        "unknown", "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn",
        "dunnington", "nehalem", "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat",
    ]

    /// Whether `kernel` is one of the ``genericKernels``.
    public static func isGeneric(_ kernel: String) -> Bool { genericKernels.contains(kernel.lowercased()) }

    /// The CPU's feature flags, from the first `flags` line of `/proc/cpuinfo`
    /// (e.g. `avx2`, `fma`, `avx512f`); empty where that file does not exist or
    /// has no such line (not Linux, not x86). Read once per process.
    public static let cpuFlags: Set<String> = {
        guard let data = FileManager.default.contents(atPath: "/proc/cpuinfo") else { return [] }
        return cpuFlags(cpuinfo: String(decoding: data, as: UTF8.self))
    }()

    /// The feature flags in `/proc/cpuinfo` text: the words after the colon of
    /// its first line whose key is `flags`.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "flags" else { continue }
            return Set(parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
        }
        return []
    }

    /// The fastest kernel set, among those this check knows, that a CPU with
    /// `cpuFlags` can run:
    ///
    /// - `SkylakeX` with `avx512f`, `avx512bw`, `avx512vl` and `avx512dq`
    ///   (the AVX-512 subsets its kernels use);
    /// - `Haswell` with `avx2` and `fma`;
    /// - `nil` otherwise (nothing better than the generic kernels to ask for).
    public static func bestSupportedKernel(cpuFlags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The `OPENBLAS_CORETYPE` value that would give faster kernels, or `nil`
    /// when there is nothing to do. Non-nil only when all three hold:
    ///
    /// - OpenBLAS is running a generic fallback (``isGeneric(_:)``);
    /// - the CPU supports a better kernel set (``bestSupportedKernel(cpuFlags:)``);
    /// - `OPENBLAS_CORETYPE` is not set at all (a value, even an empty one, is
    ///   somebody's choice, and overriding it could loop).
    ///
    /// - Parameters: the current kernel, the CPU's flags and the environment;
    ///   the defaults are this process's.
    public static func recommendedCoreType(
        current: String = BLASKernel.current, cpuFlags: Set<String> = BLASKernel.cpuFlags,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        guard environment[coreTypeVariable] == nil, isGeneric(current) else { return nil }
        return bestSupportedKernel(cpuFlags: cpuFlags)
    }

    /// The warning for a program running generic kernels, naming the variable that fixes it.
    static func fallbackMessage(current: String, recommended: String) -> String {
        "OpenBLAS is running its generic \(current) kernels on a CPU that supports \(recommended): matrix "
            + "products may be several times slower. Set \(coreTypeVariable)=\(recommended) in the environment "
            + "before starting the program."
    }

    /// A one-line warning when ``recommendedCoreType(current:cpuFlags:environment:)``
    /// has a recommendation — returned by the **first** read in the process
    /// only, `nil` afterwards (and whenever there is nothing to recommend), so a
    /// library user can print it from any code path without repeating it.
    ///
    /// Linalg itself never prints it; showing it is the program's decision.
    public static var fallbackWarning: String? {
        warningLatch.take(recommendedCoreType().map { fallbackMessage(current: current, recommended: $0) })
    }

    static let warningLatch = OnceLatch()
}

/// Lets one non-nil message through per instance, thread-safely.
final class OnceLatch: @unchecked Sendable {
    private let lock = NSLock()
    private var delivered = false

    /// `message` the first time it is non-nil, `nil` afterwards.
    func take(_ message: String?) -> String? {
        guard let message else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if delivered { return nil }
        delivered = true
        return message
    }
}
