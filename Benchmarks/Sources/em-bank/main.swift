// The EM test bank (issue #11): fits every bank case (Cases.swift) with the
// default accelerated EM for each M-step — projected, nnls — and with free
// loadings, and prints per family and variant how many converged and the
// median/max of map evaluations and wall time, then the hardest cases.
//
//   swift run -c release em-bank [--quick] [--cases] [--csv PATH] [--only TEXT]
//                                [--max-iterations N] [--variant projected|nnls|free]... [--psi-floor F]
//                                [--sample-k K]...   (the sample also at k = K > 8: over-factored, not the
//                                bank — with it the family-d and "all" rows count those fits too)
//   swift run -c release em-bank --export DIR     each case as JSON (S, n, k, Λ0, anchors), no fits
//
// scripts/em-bank builds and runs it. Fits run one after another on one BLAS
// thread (as FactorModel always does), so wall times are single-core times.
import BenchSupport
import Foundation
import IRTModel
import Linalg

enum Variant: String, CaseIterable {
    case projected, nnls, free

    func options(k: Int, cap: Int, psiFloor: Double?) -> FitOptions {
        var o = FitOptions(factors: k, maxIterations: cap)
        if let psiFloor { o.psiFloor = psiFloor }
        switch self {
        case .projected: o.mStep = .projected
        case .nnls: o.mStep = .nnls
        case .free: o.loadings = .free
        }
        return o
    }
}

struct Record {
    let bankCase: BankCase
    let variant: Variant
    let evaluations: Int
    let converged: Bool
    let seconds: Double
    let logLikelihood: Double
    let estimatedDistance: Double
    let failure: String?
    /// The projected map was found cycling between clipped points (no fixed point): the fit ended with an error.
    var cycles = false
    /// The fit stopped on Σ = ΛΛᵀ + Ψ (weakly identified loadings), not on Λ.
    var stoppedOnCovariance = false
    /// `pinned` or `weak(d)` for non-negative loadings, `–` otherwise.
    var identification = "–"
    /// A crawling projected fit whose fixed point was solved for (`em.fixed_point_solve`), and
    /// the rotation of the loadings it followed, in degrees.
    var fixedPointSolved = false
    var rotationDegrees: Double? = nil
}

// MARK: - Arguments

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--blas-core") {
    print(BLASThreading.coreName)
    exit(0)
}
@MainActor func flag(_ name: String) -> Bool {
    guard let i = arguments.firstIndex(of: name) else { return false }
    arguments.remove(at: i)
    return true
}
@MainActor func values(_ name: String) -> [String] {
    var out: [String] = []
    while let i = arguments.firstIndex(of: name), i + 1 < arguments.count {
        out.append(arguments[i + 1])
        arguments.removeSubrange(i...(i + 1))
    }
    return out
}
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("em-bank: \(message)\n".utf8))
    exit(2)
}

let quick = flag("--quick")
let printCases = flag("--cases")
let csvPath = values("--csv").last
let exportPath = values("--export").last
let only = values("--only")
let cap = values("--max-iterations").last.map { text -> Int in
    guard let value = Int(text), value >= 1 else { fail("--max-iterations needs a positive number, got \(text)") }
    return value
} ?? 200_000
let psiFloor = values("--psi-floor").last.map { text -> Double in
    guard let value = Double(text), value > 0, value < 1 else { fail("--psi-floor needs a number in (0, 1), got \(text)") }
    return value
}
let sampleKs = values("--sample-k").map { text -> Int in
    guard let value = Int(text), value > 8 else { fail("--sample-k needs a k above the bank's 8, got \(text)") }
    return value
}
let variants = values("--variant").map { text -> Variant in
    guard let variant = Variant(rawValue: text) else { fail("unknown variant \(text) (projected, nnls, free)") }
    return variant
}
if flag("--help") || flag("-h") {
    print("usage: em-bank [--quick] [--cases] [--csv PATH] [--only TEXT]... [--max-iterations N] [--variant projected|nnls|free]... [--psi-floor F] [--sample-k K]...\n       em-bank --export DIR [--quick] [--only TEXT]...")
    exit(0)
}
guard arguments.isEmpty else { fail("unknown arguments \(arguments)") }
let chosenVariants = variants.isEmpty ? Variant.allCases : variants
log("em-bank: OpenBLAS kernels \(BLASThreading.coreName)")

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

// MARK: - Build

let clock = ContinuousClock()
let buildStart = clock.now
let root = Inputs.sampleDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
var bank: [BankCase]
do {
    bank = try BankBuilder(repositoryRoot: root, extraSampleKs: Array(Set(sampleKs)).sorted()).build()
} catch {
    fail("building the bank: \(error)")
}
if quick { bank = bank.filter(\.quick) }
if !only.isEmpty { bank = bank.filter { c in only.contains { c.name.contains($0) } } }
if let exportPath {
    // Each case as JSON (name, n, k, the default Λ0, anchors with null for a free ψ, S as rows), for other tools.
    let directory = URL(fileURLWithPath: exportPath)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for c in bank {
            // The default Λ0 (seed 0), as a one-evaluation fit reports it.
            let start = try FactorModel(covariance: c.s, observations: c.n, k: c.k, anchors: c.anchors,
                                        options: FitOptions(factors: c.k, maxIterations: 1)).diagnostics.initialLoadings
            let object: [String: Any] = [
                "name": c.name, "n": c.n, "k": c.k, "init": start,
                "anchors": c.anchors.map { $0.map { $0 as Any } ?? NSNull() },
                "s": (0..<c.p).map { c.s.row($0) },
            ]
            let data = try JSONSerialization.data(withJSONObject: object)
            try data.write(to: directory.appendingPathComponent(c.name.replacingOccurrences(of: "/", with: "_") + ".json"))
        }
    } catch { fail("exporting to \(exportPath): \(error)") }
    log("em-bank: exported \(bank.count) cases to \(exportPath)")
    exit(0)
}
log("em-bank: \(bank.count) cases × \(chosenVariants.count) variants, cap \(cap) evaluations, ψ floor \(psiFloor ?? FitOptions().psiFloor) (built in \(String(format: "%.1f", seconds(clock.now - buildStart))) s)")

// MARK: - Run

var records: [Record] = []
let total = bank.count * chosenVariants.count
for bankCase in bank {
    for variant in chosenVariants {
        let options = variant.options(k: bankCase.k, cap: cap, psiFloor: psiFloor)
        let start = clock.now
        let record: Record
        do {
            let model = try FactorModel(covariance: bankCase.s, observations: bankCase.n, k: bankCase.k,
                                        anchors: bankCase.anchors, options: options)
            let d = model.diagnostics
            var fit = Record(bankCase: bankCase, variant: variant, evaluations: d.iterations, converged: d.converged,
                             seconds: seconds(clock.now - start), logLikelihood: d.logLikelihood,
                             estimatedDistance: d.estimatedDistance, failure: nil)
            fit.stoppedOnCovariance = d.stopQuantity == .covariance
            fit.fixedPointSolved = d.projectedFixedPointSolved == true
            fit.rotationDegrees = d.projectedRotationFollowed
            switch d.identification {
            case .pinned: fit.identification = "pinned"
            case let .weaklyIdentified(free): fit.identification = "weak(\(free))"
            case nil: break
            }
            record = fit
        } catch {
            var failed = Record(bankCase: bankCase, variant: variant, evaluations: 0, converged: false,
                                seconds: seconds(clock.now - start), logLikelihood: .nan, estimatedDistance: .nan,
                                failure: "\(error)")
            if case let .projectedMapCycles(evaluations, _, _) = error {
                failed = Record(bankCase: bankCase, variant: variant, evaluations: evaluations, converged: false,
                                seconds: failed.seconds, logLikelihood: .nan, estimatedDistance: .nan, failure: "\(error)")
                failed.cycles = true
            }
            record = failed
        }
        records.append(record)
        log(String(format: "[%d/%d] %@ %@: %d evaluations, %@%@%@, %.3f s%@", records.count, total, bankCase.name,
                   variant.rawValue, record.evaluations, record.converged ? "converged" : "NOT converged",
                   record.cycles ? " (cycles: no fixed point)" : "", record.stoppedOnCovariance ? " (on Σ)" : "", record.seconds,
                   record.failure.map { " — \($0)" } ?? ""))
    }
}

// MARK: - Report

func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return .nan }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
func time(_ s: Double) -> String {
    s < 1 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s)
}
func count(_ x: Double) -> String {
    guard x.isFinite else { return "–" }
    let n = Int(x.rounded(.down))
    var digits = String(n), out = ""
    while digits.count > 3 { out = "," + digits.suffix(3) + out; digits.removeLast(3) }
    return digits + out + (x > x.rounded(.down) ? ".5" : "")   // a median of an even count
}

// "cycles" counts the projected fits that ended with the cycle error (no fixed
// point of the clipped map); "on Σ" how many stopped on Σ = ΛΛᵀ + Ψ with weakly
// identified loadings.
print("| family | M-step | cases | converged | cycles | on Σ | median evals | max evals | median wall | max wall |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
var rows: [(String, [Record])] = []
for family in Family.allCases {
    for variant in chosenVariants {
        rows.append((family.rawValue, records.filter { $0.bankCase.family == family && $0.variant == variant }))
    }
}
for variant in chosenVariants { rows.append(("**all**", records.filter { $0.variant == variant })) }
for (label, group) in rows where !group.isEmpty {
    let variant = group[0].variant.rawValue
    let evals = group.map { Double($0.evaluations) }, walls = group.map(\.seconds)
    let converged = group.filter(\.converged).count
    print("| \(label) | \(variant) | \(group.count) | \(converged == group.count ? "\(converged)" : "**\(converged)**") | "
          + "\(group.filter(\.cycles).count) | \(group.filter(\.stoppedOnCovariance).count) | "
          + "\(count(median(evals))) | \(count(evals.max() ?? .nan)) | \(time(median(walls))) | \(time(walls.max() ?? .nan)) |")
}
let within = records.filter { $0.converged && $0.evaluations <= 5000 }.count
print("\nConverged within 5,000 evaluations: \(within) of \(records.count) fits.")

print("\nHardest fits (most map evaluations):\n")
print("| case | M-step | p | n | k | evals | converged | wall | ℓ |")
print("|---|---|---:|---:|---:|---:|---|---:|---:|")
func marker(_ r: Record) -> String {
    if r.cycles { return " (cycles)" }
    if r.fixedPointSolved {
        return " (fixed point solved" + (r.rotationDegrees.map { String(format: ", %.2f° rotation followed", $0) } ?? "") + ")"
    }
    return r.stoppedOnCovariance ? " (on Σ)" : ""
}
for r in records.sorted(by: { ($0.converged ? 0 : 1, $0.evaluations) > ($1.converged ? 0 : 1, $1.evaluations) }).prefix(12) {
    let c = r.bankCase
    print("| \(c.name) | \(r.variant.rawValue) | \(c.p) | \(c.n) | \(c.k) | \(count(Double(r.evaluations))) | "
          + "\(r.converged ? "yes" : "**no**")\(marker(r)) | \(time(r.seconds)) | \(String(format: "%.4f", r.logLikelihood)) |")
}
let failures = records.filter { $0.failure != nil }
if !failures.isEmpty {
    print("\nErrors:")
    for r in failures { print("- \(r.bankCase.name) \(r.variant.rawValue): \(r.failure!)") }
}

if printCases {
    print("\n| case | M-step | p | n | k | evals | converged | wall | ℓ | est. distance | identification |")
    print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|")
    for r in records {
        let c = r.bankCase
        print("| \(c.name) | \(r.variant.rawValue) | \(c.p) | \(c.n) | \(c.k) | \(r.evaluations) | \(r.converged ? "yes" : "no") | "
              + "\(time(r.seconds)) | \(String(format: "%.6f", r.logLikelihood)) | \(String(format: "%.2e", r.estimatedDistance)) | "
              + "\(r.identification)\(marker(r)) |")
    }
}

if let csvPath {
    var text = "case,family,variant,p,n,k,evaluations,converged,seconds,log_likelihood,estimated_distance,projected_cycles,stop_quantity,identification,fixed_point_solve,error\n"
    for r in records {
        let c = r.bankCase
        text += "\(c.name),\(c.family.letter),\(r.variant.rawValue),\(c.p),\(c.n),\(c.k),\(r.evaluations),\(r.converged),"
            + "\(r.seconds),\(r.logLikelihood),\(r.estimatedDistance),\(r.cycles),\(r.stoppedOnCovariance ? "covariance" : "loadings"),"
            + "\(r.identification),\(r.fixedPointSolved),\(r.failure.map { "\"\($0)\"" } ?? "")\n"
    }
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: csvPath)) } catch { fail("writing \(csvPath): \(error)") }
}
