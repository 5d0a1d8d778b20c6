import Foundation
import IRTModel
import IRTSampleData
import Testing

/// The NumPy reference outputs (../shared/reference, made by seed_reference.py),
/// copied into Fixtures/.
struct ReferenceOutput: Decodable {
    struct Horn: Decodable {
        let eigenvalues: [Double]
        let p95: [Double]
        let mean: [Double]
        let k95: Int
        let k_mean: Int
    }
    struct EM: Decodable {
        let iterations: Int
        let converged: Bool
        let log_likelihood: Double
        let `init`: [[Double]]
    }
    struct SNR: Decodable {
        struct Entry: Decodable { let var_sweep: Double; let var_noise: Double; let snr: Double; let noise_share: Double }
        let factors: [Entry]
        let aggregate: Entry
    }
    struct Seconds: Decodable { let total: Double }
    let n_runs: Int
    let n_tasks: Int
    let tasks: [String]
    let horn: Horn
    let k: Int
    let em: EM
    let loadings: [[Double]]
    let psi: [Double]
    let communality: [Double]
    let noise_share: [Double?]
    let h2_ceiling: [Double?]
    let tasks_missing_from_noise: [String]
    let snr: SNR
    let validation: [String: [Double]]
    let theta: [[Double]]
    let run_names: [String]
    let seconds: Seconds

    static func load(_ name: String) throws -> ReferenceOutput {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(ReferenceOutput.self, from: Data(contentsOf: url))
    }
}

/// The reference files and the noise file each was made with.
enum ReferenceCase: String, CaseIterable, CustomTestStringConvertible {
    case fixed = "replica_fixed_noise"
    case legacy = "replica_legacy_noise"

    var noiseURL: URL { self == .fixed ? SampleData.fixedSubsetNoise : SampleData.legacyNoise }
    var testDescription: String { rawValue }
}

/// Analyses shared by several tests (each is computed once, lazily).
enum SharedRuns {
    static let sweep = try! EvalMatrix(contentsOf: SampleData.sweep)
    static let fixedNoise = try! EvalMatrix(contentsOf: SampleData.fixedSubsetNoise)
    static let legacyNoise = try! EvalMatrix(contentsOf: SampleData.legacyNoise)
    static func noise(_ c: ReferenceCase) -> EvalMatrix { c == .fixed ? fixedNoise : legacyNoise }

    /// The reference's EM path exactly: its Λ0, 5000 plain projected iterations.
    static let referencePath: [ReferenceCase: AnalysisResult] = {
        var out: [ReferenceCase: AnalysisResult] = [:]
        for c in ReferenceCase.allCases {
            let ref = try! ReferenceOutput.load(c.rawValue)
            var fit = FitOptions.reference
            fit.initialLoadings = ref.em.`init`
            // The reference path is about parity: the fit card's extra fits are skipped.
            var options = AnalysisOptions(fit: fit, leaderboardColumns: ReferencePreset.leaderboardColumns).withoutFitChecks
            options.psiModel = .anchored
            // The reference notebook counts every rank above its p95 (on the sample both rules give 4).
            options.hornRule = .count
            out[c] = try! Analysis(sweep: sweep, noise: noise(c), options: options).run()
        }
        return out
    }()

    /// IRTKit's defaults with the reference's estimator and ψ model,
    /// `--m-step projected --psi anchored` (converged to the clipped map's fixed point, our seed).
    static let projected: [ReferenceCase: AnalysisResult] = {
        var out: [ReferenceCase: AnalysisResult] = [:]
        for c in ReferenceCase.allCases {
            var fit = FitOptions()
            fit.mStep = .projected
            var options = AnalysisOptions(fit: fit)
            options.psiModel = .anchored
            out[c] = try! Analysis(sweep: sweep, noise: noise(c), options: options).run()
        }
        return out
    }()

    /// IRTKit's defaults (converged fit, our seed).
    static let defaults: [ReferenceCase: AnalysisResult] = {
        var out: [ReferenceCase: AnalysisResult] = [:]
        for c in ReferenceCase.allCases {
            out[c] = try! Analysis(sweep: sweep, noise: noise(c)).run()
        }
        return out
    }()
}

/// `max |a − b|` over nested arrays.
func maxAbsDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { maxAbsDifference($0, $1) }.max() ?? 0
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / max(abs($1), .leastNormalMagnitude) }.max() ?? 0
}
