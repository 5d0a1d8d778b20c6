import Foundation
import Linalg
import Testing

// The built `irt-report` re-executing itself with the right OpenBLAS kernel:
// without OPENBLAS_CORETYPE it sets the variable and runs again when OpenBLAS
// has fallen back to generic kernels on a CPU that can do better (which
// kernel, and when, is BLASKernel's decision, tested in LinalgTests); on a CPU
// OpenBLAS knows it just runs. Either way the answer must agree with the
// forced generic kernels: kernels change rounding, never results. Each
// configuration runs as a fresh process, because OpenBLAS chooses its kernels
// when it loads.

/// The kernel set an `irt-report` started without OPENBLAS_CORETYPE ends up with.
private let automaticKernel = (BLASKernel.recommendedCoreType() ?? BLASKernel.current).lowercased()

/// Whether forcing SkylakeX tests a kernel set the automatic run does not already use.
private let skylakeXIsAnotherKernel = BLASKernel.bestSupportedKernel(cpuFlags: BLASKernel.cpuFlags) == "SkylakeX"
    && automaticKernel != "skylakex"

/// The parts of result.json compared across kernels.
private struct KernelRun {
    let k: Int
    let loadings: [Double]
    let eigenvalues: [Double]
    let p95: [Double]
}

/// Runs `irt-report` on the bundled sample with `arguments` in a fresh temporary
/// directory, with OPENBLAS_CORETYPE set to `coreType` (or removed for `nil`),
/// and reads its JSON.
private func runReport(coreType: String?, _ arguments: [String]) throws -> KernelRun {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("irt-report-kernel-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_CORETYPE"] = coreType
    environment["IRTKIT_REEXEC"] = nil
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments + ["--json", "result.json", "--out", "report", "--quiet"]
    process.environment = environment
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "OPENBLAS_CORETYPE=\(coreType ?? "(unset)")")
    let data = try Data(contentsOf: directory.appendingPathComponent("result.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let horn = try #require(json["horn"] as? [String: Any])
    return KernelRun(
        k: try #require(json["k"] as? Int),
        loadings: try #require(json["loadings"] as? [[Double]]).flatMap { $0 },
        eigenvalues: try #require(horn["eigenvalues"] as? [Double]),
        p95: try #require(horn["p95"] as? [Double]))
}

private func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite("irt-report: re-executing with the right OpenBLAS kernel", .serialized)
struct KernelReexecutionTests {
    /// A fixed number of plain EM steps, so that every kernel takes the same
    /// path and only rounding differs (an adaptive stop ends wherever the
    /// estimated distance first drops below its tolerance: see the next test).
    static let fixedPath = ["--draws", "20", "--plain-em", "--max-iterations", "300"]

    /// Compares `run` with the generic kernels' `reference` to rounding.
    fileprivate func expectSameToRounding(_ run: KernelRun, _ reference: KernelRun, _ what: String) {
        #expect(run.k == reference.k, "\(what): k")
        #expect(maxDifference(run.loadings, reference.loadings) <= 1e-8, "\(what): loadings")
        #expect(maxDifference(run.eigenvalues, reference.eigenvalues) <= 1e-10, "\(what): Horn's eigenvalues")
        #expect(maxDifference(run.p95, reference.p95) <= 1e-10, "\(what): Horn's p95")
    }

    @Test("without OPENBLAS_CORETYPE (re-executing if OpenBLAS fell back) = generic Prescott kernels, to rounding",
          .enabled(if: executable != nil, "irt-report executable not built next to the tests"))
    func automaticAgreesWithGeneric() throws {
        let generic = try runReport(coreType: "Prescott", Self.fixedPath)
        expectSameToRounding(try runReport(coreType: nil, Self.fixedPath), generic, "automatic")
    }

    @Test("SkylakeX kernels = generic Prescott kernels, to rounding",
          .enabled(if: executable != nil, "irt-report executable not built next to the tests"),
          .enabled(if: skylakeXIsAnotherKernel,
                   "the CPU lacks AVX-512 (avx512f/bw/vl/dq), or the automatic run already uses SkylakeX"))
    func skylakeXAgreesWithGeneric() throws {
        let generic = try runReport(coreType: "Prescott", Self.fixedPath)
        expectSameToRounding(try runReport(coreType: "SkylakeX", Self.fixedPath), generic, "SkylakeX")
    }

    /// With the default stop the EM ends within its tolerance (estimated
    /// distance 1e-7) of the fixed point after a number of steps that rounding
    /// can change: two kernels agree to a few times that tolerance, not to
    /// rounding. (Horn's curves do not depend on the EM: the fixed-path test
    /// compares them.)
    @Test("the default analysis: the same k; loadings within the EM's stop tolerance",
          .enabled(if: executable != nil, "irt-report executable not built next to the tests"))
    func defaultAnalysis() throws {
        let generic = try runReport(coreType: "Prescott", ["--draws", "20"])
        let automatic = try runReport(coreType: nil, ["--draws", "20"])
        #expect(automatic.k == generic.k)
        // 1e-5: the default fit (nnls, ψ floored) stops within 1e-7 of its fixed point in the
        // estimated distance, but its slowest direction is flat enough that two kernels'
        // paths end 7e-6 apart (measured); the projected fit of before agreed to 1e-6.
        #expect(maxDifference(automatic.loadings, generic.loadings) <= 1e-5)
    }
}
