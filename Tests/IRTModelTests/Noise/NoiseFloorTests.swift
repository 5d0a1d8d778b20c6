import IRTModel
import Testing

@Suite("Noise floor per task (METHOD.md §5)")
struct NoiseFloorTests {
    /// Five kept runs; task a = 1…5 (sample variance 2.5), task b = 10, 16, 12, 14, 8
    /// (mean 12, squared deviations 4 + 16 + 0 + 4 + 16 = 40, sample variance 10).
    /// The failed run's wild values must not count.
    static let sweepCSV = """
        run_name,status,lm_eval/a/bpb,lm_eval/b/bpb
        r1,completed,1,10
        r2,completed,2,16
        r3,completed,3,12
        r4,completed,4,14
        r5,completed,5,8
        r6,failed,100,-100
        """

    static func prepared() throws -> PreparedSweep {
        let sweep = try EvalMatrix(csv: sweepCSV, source: "sweep.csv").completedRuns()
        return try PreparedSweep(sweep: sweep, selection: .reference)
    }

    static func floor(noise csv: String) throws -> NoiseFloor {
        try NoiseFloor(sweep: prepared(), noise: EvalMatrix(csv: csv, source: "noise.csv"))
    }

    @Test("Three replicates of task a only: share 1/2.5, b has no anchor")
    func oneTaskAnchored() throws {
        // Noise a = 2, 3, 4: sample variance 1.
        let f = try Self.floor(noise: "run_name,lm_eval/a/bpb\nn1,2\nn2,3\nn3,4\n")
        #expect(f.noiseRuns == 3)
        #expect(f.noiseShare.count == 2)
        let share = try #require(f.noiseShare[0])
        let ceiling = try #require(f.h2Ceiling[0])
        #expect(abs(share - 0.4) < 1e-15)
        #expect(abs(ceiling - 0.6) < 1e-15)
        #expect(f.noiseShare[1] == nil)
        #expect(f.h2Ceiling[1] == nil)
        #expect(f.tasksMissingFromNoise == ["lm_eval/b/bpb"])
    }

    @Test("A noise share above 1 clamps the ceiling at 0")
    func shareAboveOne() throws {
        // Noise a = 0, 3, 6: sample variance 9, share 9 / 2.5 = 3.6; b = 12, 12, 13: variance 1/3, share 1/30.
        let f = try Self.floor(noise: "lm_eval/b/bpb,lm_eval/a/bpb\n12,0\n12,3\n13,6\n")
        #expect(abs(try #require(f.noiseShare[0]) - 3.6) < 1e-14)
        #expect(try #require(f.h2Ceiling[0]) == 0)
        #expect(abs(try #require(f.noiseShare[1]) - 1.0 / 30) < 1e-15)
        #expect(abs(try #require(f.h2Ceiling[1]) - 29.0 / 30) < 1e-15)
        #expect(f.tasksMissingFromNoise.isEmpty)
        #expect(f.h2Ceiling.allSatisfy { ($0 ?? 0) >= 0 && ($0 ?? 0) <= 1 })
    }

    @Test("Noise-free replicates give share 0 and ceiling 1")
    func zeroNoise() throws {
        let f = try Self.floor(noise: "lm_eval/a/bpb\n3\n3\n3\n3\n")
        #expect(f.noiseShare[0] == 0)
        #expect(f.h2Ceiling[0] == 1)
    }

    @Test("A task with fewer than two values in the noise file has no anchor")
    func tooFewValuesInOneColumn() throws {
        let f = try Self.floor(noise: "lm_eval/a/bpb,lm_eval/b/bpb\n2,\n3,nan\n4,11\n")
        #expect(f.noiseShare[0] != nil)
        #expect(f.noiseShare[1] == nil && f.h2Ceiling[1] == nil)
        #expect(f.tasksMissingFromNoise == ["lm_eval/b/bpb"])
        // Missing cells in a column that has enough values are skipped, not zero:
        // a = 2, 4 (3 missing) has sample variance 2.
        let g = try Self.floor(noise: "lm_eval/a/bpb\n2\n\n4\n")
        #expect(abs(try #require(g.noiseShare[0]) - 2 / 2.5) < 1e-15)
        #expect(g.noiseRuns == 3)
    }

    @Test("Without a noise file every task is free")
    func unanchored() {
        let f = NoiseFloor(unanchored: ["x", "y"])
        #expect(f.noiseShare == [nil, nil] && f.h2Ceiling == [nil, nil])
        #expect(f.tasksMissingFromNoise == ["x", "y"])
        #expect(f.noiseRuns == 0)
    }

    @Test("noise_share and h2_ceiling of the sample equal the NumPy reference", arguments: ReferenceCase.allCases)
    func referenceFixtures(_ c: ReferenceCase) throws {
        let ref = try ReferenceOutput.load(c.rawValue)
        let ours = try #require(SharedRuns.referencePath[c])
        #expect(ours.noiseShare.count == ref.noise_share.count)
        #expect(ours.noiseShare.map { $0 == nil } == ref.noise_share.map { $0 == nil })
        #expect(ours.h2Ceiling.map { $0 == nil } == ref.h2_ceiling.map { $0 == nil })
        #expect(ours.noiseShare.map { $0 == nil } == ours.h2Ceiling.map { $0 == nil })
        for (name, mine, theirs) in [("noise_share", ours.noiseShare, ref.noise_share),
                                     ("h2_ceiling", ours.h2Ceiling, ref.h2_ceiling)] {
            for (j, (a, b)) in zip(mine, theirs).enumerated() {
                guard let a, let b else { continue }
                #expect(abs(a - b) <= 1e-12 * max(abs(b), 1e-300) || a == b, "\(name)[\(j)] \(ours.tasks[j])")
            }
        }
        // The nulls are exactly the tasks missing from the noise file.
        let missing = ours.tasks.indices.filter { ours.noiseShare[$0] == nil }.map { ours.tasks[$0] }
        #expect(missing == ours.tasksMissingFromNoise)
        if c == .fixed {
            #expect(ours.noiseShare.allSatisfy { $0 != nil })
        } else {
            #expect(missing.count == 28)
        }
    }
}
