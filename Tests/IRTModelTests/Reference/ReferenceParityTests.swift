import Foundation
import IRTModel
import Testing

/// IRTModel against the NumPy reference on the 300M replica.
@Suite("Reference parity on the 300M replica")
struct ReferenceParityTests {
    @Test("The reference's EM path (its Λ0, 5000 iterations) reproduces its numbers", arguments: ReferenceCase.allCases)
    func referencePath(_ c: ReferenceCase) throws {
        let ref = try ReferenceOutput.load(c.rawValue)
        let ours = try #require(SharedRuns.referencePath[c])
        #expect(ours.nRuns == ref.n_runs)
        #expect(ours.tasks == ref.tasks)
        #expect(ours.horn.k95 == ref.horn.k95)
        #expect(ours.k == ref.k)
        #expect(maxRelativeDifference(ours.horn.eigenvalues, ref.horn.eigenvalues) < 1e-10)
        #expect(ours.em.iterations == ref.em.iterations)
        #expect(ours.em.converged == ref.em.converged)
        #expect(abs(ours.em.logLikelihood - ref.em.log_likelihood) < 1e-6 * abs(ref.em.log_likelihood))
        #expect(maxAbsDifference(ours.loadings, ref.loadings) < 1e-6)
        #expect(maxAbsDifference(ours.psi, ref.psi) < 1e-6)
        #expect(maxAbsDifference(ours.communality, ref.communality) < 1e-6)
        #expect(maxAbsDifference(ours.theta, ref.theta) < 1e-6)
        let snr = try #require(ours.snr)
        #expect(maxRelativeDifference(snr.factors.map(\.snr), ref.snr.factors.map(\.snr)) < 1e-4)
        #expect(abs(snr.aggregate.snr - ref.snr.aggregate.snr) / ref.snr.aggregate.snr < 1e-4)
        #expect(ours.tasksMissingFromNoise == ref.tasks_missing_from_noise)
        for (metric, r) in ref.validation {
            let mine = try #require(ours.validation[metric])
            #expect(maxAbsDifference(mine.map { $0 ?? .nan }, r) < 1e-6)
        }
    }

    @Test("--m-step projected converges to the reference's fixed point", arguments: ReferenceCase.allCases)
    func converged(_ c: ReferenceCase) throws {
        let ref = try ReferenceOutput.load(c.rawValue + "_converged")
        let ours = try #require(SharedRuns.projected[c])
        #expect(ours.em.converged && ours.em.mStep == .projected)
        #expect(ours.k == ref.k)
        #expect(maxAbsDifference(ours.loadings, ref.loadings) < 1e-6)
        #expect(maxAbsDifference(ours.psi, ref.psi) < 1e-6)
        #expect(maxAbsDifference(ours.communality, ref.communality) < 1e-6)
        #expect(maxAbsDifference(ours.theta, ref.theta) < 1e-6)
        let snr = try #require(ours.snr)
        #expect(maxRelativeDifference(snr.factors.map(\.snr), ref.snr.factors.map(\.snr)) < 1e-4)
    }

    @Test("Our own Horn null: same k95, p95 within 3% of NumPy's", arguments: ReferenceCase.allCases)
    func hornNull(_ c: ReferenceCase) throws {
        let ref = try ReferenceOutput.load(c.rawValue)
        let ours = try #require(SharedRuns.defaults[c])
        #expect(ours.horn.k95 == ref.horn.k95)
        #expect(ours.horn.kMean == ref.horn.k_mean)
        #expect(maxRelativeDifference(ours.horn.p95, ref.horn.p95) < 0.03)
        #expect(maxRelativeDifference(ours.horn.mean, ref.horn.mean) < 0.03)
    }
}
