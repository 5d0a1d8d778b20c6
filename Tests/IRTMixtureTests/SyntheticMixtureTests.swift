import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import Testing
@testable import IRTMixture

@Suite struct SyntheticMixtureTests {
    @Test(arguments: SyntheticMixture.Form.allCases)
    func mixturesAreOnTheSimplexAndThetaIsStandardized(form: SyntheticMixture.Form) {
        let m = SyntheticMixture(runs: 200, domains: 6, phases: 3, factors: 2, seed: 4, form: form)
        #expect(m.columnNames.count == 18)
        #expect(m.columnNames[6] == "phase_2_domain_1")
        for r in 0..<200 {
            let w = m.weights.row(r)
            #expect(w.allSatisfy { $0 >= 0 })
            for p in 0..<3 { #expect(abs((p * 6..<(p + 1) * 6).reduce(0.0) { $0 + w[$1] } - 1) < 1e-12) }
        }
        let theta = m.theta
        for j in 0..<2 {
            let column = theta.column(j)
            let mean = column.reduce(0, +) / 200
            let sd = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 199).squareRoot()
            #expect(abs(mean) < 1e-10 && abs(sd - 1) < 1e-10)
        }
        // The truth of any mixture is the same function: run r's θ is θ(w_r).
        #expect(m.trueTheta(m.weights.row(17)) == theta.row(17))
        #expect(abs(m.trueAggregate(m.weights.row(3)) - theta.row(3).reduce(0, +) / 2) < 1e-15)
    }

    @Test func linearTruthHasTheStatedCoefficients() {
        let m = SyntheticMixture(runs: 50, domains: 4, phases: 2, factors: 2, seed: 9)
        let b = m.trueCoefficients
        let w0 = m.weights.row(0), w1 = m.weights.row(1)
        for j in 0..<2 {
            // θ(w1) − θ(w0) = Σ_c b_cj (w1_c − w0_c) for a linear truth.
            let change = (0..<8).reduce(0.0) { $0 + b[$1, j] * (w1[$1] - w0[$1]) }
            #expect(abs(m.trueTheta(w1)[j] - m.trueTheta(w0)[j] - change) < 1e-10)
        }
    }

    @Test func theSameSeedDrawsTheSameMixtureAndFilesParse() throws {
        let a = SyntheticMixture(runs: 30, domains: 3, phases: 2, factors: 2, seed: 2)
        let b = SyntheticMixture(runs: 30, domains: 3, phases: 2, factors: 2, seed: 2)
        #expect(a.weights == b.weights && a.coefficients == b.coefficients)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-mixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try a.writeMixture(to: dir.appendingPathComponent("mixture.csv"))
        try a.writeSweep(to: dir.appendingPathComponent("sweep.csv"), tasks: 12, seedNoise: 0.2)
        try a.writeNoise(to: dir.appendingPathComponent("noise.csv"), tasks: 12, seedNoise: 0.2, replicates: 5)
        try a.writeTruth(to: dir.appendingPathComponent("truth.csv"))
        let table = try MixtureTable.read(contentsOf: dir.appendingPathComponent("mixture.csv"), runColumn: "run_name",
                                          columnsPattern: nil)
        #expect(table.runNames == a.runNames)
        #expect(table.phases.map(\.name) == ["phase_1", "phase_2"])
        #expect(try table.weights.maxAbsDifference(a.weights) == 0)
        let sweep = try CSVReader.read(contentsOf: dir.appendingPathComponent("sweep.csv"))
        #expect(sweep.rows.count == 30 && sweep.header.count == 14)
        let noise = try CSVReader.read(contentsOf: dir.appendingPathComponent("noise.csv"))
        #expect(noise.rows.map { $0[0] } == (1...5).map { "noise_seed_\($0)" })
        let truth = try CSVReader.read(contentsOf: dir.appendingPathComponent("truth.csv"))
        #expect(truth.header == ["run_name", "theta_1", "theta_2", "aggregate"])
    }
}
