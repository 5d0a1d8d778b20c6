import Foundation
@testable import IRTModel
import Linalg
import Testing

/// The leave-one-out deviations behind the seed-noise estimate
/// (``SeedNoise/leaveOneOutDeviations(z:model:groups:anchorClamp:)``), checked
/// against the exact conditional mean computed another way and against the
/// plain estimate when the weights do not depend on the replicates.
@Suite("Seed noise: leave-one-out deviations")
struct SeedNoiseLeaveOneOutTests {
    static let model = SharedRuns.defaults[.fixed]!.model!
    static let replicates = SharedRuns.fixedNoise.completedRuns()

    /// The model with every task free (no anchor): its weights do not depend on the replicates.
    static func unanchored(_ model: FittedModel) throws -> FittedModel {
        var json = try JSONSerialization.jsonObject(with: model.encoded()) as! [String: Any]
        json["tasks"] = (json["tasks"] as! [[String: Any]]).map { task in
            var t = task
            t["anchored"] = false
            return t
        }
        return try FittedModel(json: JSONSerialization.data(withJSONObject: json), source: "unanchored.json")
    }

    /// `E[θ | z_O] = Λ_Oᵀ (Λ_O Λ_Oᵀ + Ψ_O)⁻¹ z_O` through the p × p covariance (not Woodbury's k × k form).
    static func conditionalMean(loadings: Matrix, psi: [Double], z: [Double]) throws -> [Double] {
        let p = z.count, k = loadings.columns
        var sigma = try loadings.multiplied(by: loadings, transposingOther: .transpose)
        for t in 0..<p { sigma[t, t] += psi[t] }
        let solved = try Cholesky(sigma).solve(Matrix(rows: p, columns: 1) { t, _ in z[t] })
        return (0..<k).map { j in (0..<p).reduce(0.0) { $0 + loadings[$1, j] * solved[$1, 0] } }
    }

    @Test("With weights that do not depend on the replicates, the deviations are θ̂_i − θ̄ exactly")
    func fixedWeights() throws {
        let model = try Self.unanchored(Self.model)
        let scores = try model.score(Self.replicates)
        let z = try model.standardized(Self.replicates)
        let deviations = try SeedNoise.leaveOneOutDeviations(z: z, model: model)
        let theta = (0..<scores.theta.rows).map { scores.theta.row($0) }
        let centered = try #require(SeedNoise.centered(theta))
        #expect(deviations.count == 10)
        for (d, c) in zip(deviations, centered) {
            for j in d.indices { #expect(abs(d[j] - c[j]) <= 1e-10, "\(d[j]) vs \(c[j])") }
        }
        let posteriors = (0..<scores.theta.rows).map { scores.covariance(ofRun: $0).rowArrays }
        #expect(SeedNoise(deviations: deviations, posteriors: posteriors)?.covariance.flatMap { $0 }
            .elementsEqual(SeedNoise(theta: theta, posteriors: posteriors)!.covariance.flatMap { $0 }) { abs($0 - $1) < 1e-12 }
            == true)
    }

    @Test("Each replicate is scored with the anchors of the other nine (exact conditional mean, p × p)")
    func anchoredWeights() throws {
        let model = Self.model
        let z = try model.standardized(Self.replicates)
        let deviations = try SeedNoise.leaveOneOutDeviations(z: z, model: model)
        let m = z.count, p = model.tasks.count
        #expect(model.tasks.contains { $0.anchored } && z.allSatisfy { row in row.allSatisfy { $0 != nil } })
        for i in [0, 4, m - 1] {
            var psi = model.psi
            var residual = [Double](repeating: 0, count: p)
            for t in 0..<p {
                let values = z.map { $0[t]! }
                let others = values.enumerated().filter { $0.offset != i }.map(\.element)
                let mean = others.reduce(0, +) / Double(m - 1)
                residual[t] = (values[i] - mean) * Double(m - 1) / Double(m)
                guard model.tasks[t].anchored else { continue }
                func variance(_ x: [Double]) -> Double {
                    let mu = x.reduce(0, +) / Double(x.count)
                    return x.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(x.count - 1)
                }
                psi[t] = min(max(model.psi[t] * variance(others) / variance(values), 1e-3), 0.999)
            }
            let expected = try Self.conditionalMean(loadings: model.loadings, psi: psi, z: residual)
            for j in expected.indices {
                #expect(abs(deviations[i][j] - expected[j]) <= 1e-9 * max(1, abs(expected[j])),
                        "replicate \(i), factor \(j): \(deviations[i][j]) vs \(expected[j])")
            }
        }
    }

    @Test("Groups are centered on their own members; a row no other member observes gets zeros")
    func groupsAndEdges() throws {
        let model = try Self.unanchored(Self.model)
        let z = try model.standardized(Self.replicates)
        let labels = (0..<z.count).map { $0 < 5 ? "a" : "b" }
        let deviations = try SeedNoise.leaveOneOutDeviations(z: z, model: model, groups: labels)
        let scores = try model.score(Self.replicates)
        for rows in [0..<5, 5..<10] {
            let centered = try #require(SeedNoise.centered(rows.map { scores.theta.row($0) }))
            for (i, c) in zip(rows, centered) {
                for j in c.indices { #expect(abs(deviations[i][j] - c[j]) <= 1e-10) }
            }
        }
        // One replicate alone in its group: nothing to compare with.
        let single = try SeedNoise.leaveOneOutDeviations(z: Array(z.prefix(1)), model: model)
        #expect(single == [[Double](repeating: 0, count: model.factorCount)])
        #expect(try SeedNoise.leaveOneOutDeviations(z: [], model: model).isEmpty)
    }

    @Test("On the sample, the replicates scored in-sample understate the seed noise the leave-one-out estimate sees")
    func inSampleRunsLow() throws {
        let model = Self.model
        let scores = try model.score(Self.replicates)
        let posteriors = (0..<scores.theta.rows).map { scores.covariance(ofRun: $0).rowArrays }
        let inSample = try #require(SeedNoise(theta: (0..<scores.theta.rows).map { scores.theta.row($0) },
                                              posteriors: posteriors))
        let loo = try #require(model.seedNoise)
        print("sample: seed sd of the aggregate in-sample \(inSample.aggregateVariance.squareRoot()), leave-one-out \(loo.aggregateVariance.squareRoot())")
        #expect(loo.aggregateVariance > inSample.aggregateVariance)
        #expect(loo.degreesOfFreedom == 9 && loo.replicates == 10)
    }
}
