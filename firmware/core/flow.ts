// Flow supervision from a pulse flow meter: learns the normal flow of every combination of
// open zones it sees, then judges each stable period against it.
//
// Verdicts (the controller decides what to do with them):
// - High: more than learned + highPct (a burst or broken lateral);
// - Low: less than learned - lowPct (clogged emitters or filter, low pressure);
// - NoFlow: the pump has run noFlowS with almost nothing through the meter (pump failure, dry
//   well, a valve that does not open, or a dead meter);
// - Leak: flow while nothing should run (a leak, a valve stuck open, a main-line break).
// Judging waits settleS after any change of open valves or pump, because pipes fill and
// pressure settles; learning uses only those settled periods and takes the median of the
// last learnRuns runs, so one odd run does not become "normal".

export interface FlowConfig {
    present: boolean
    /** Millilitres per meter pulse (1000 for a 1 L/pulse irrigation meter). */
    mlPerPulse: number
    settleS: number
    /** Flow is averaged over this many seconds. */
    windowS: number
    highPct: number
    lowPct: number
    noFlowS: number
    /** Below this the meter counts as "no flow", mL/min. */
    minFlowMlPerMin: number
    /** Above this with nothing running counts as a leak, mL/min. */
    leakMlPerMin: number
    learnRuns: number
    /** On low flow: stop the run (true) or finish it with an alarm (false). */
    lowFlowStops: boolean
}

export enum FlowVerdict {
    None = 0,
    High = 1,
    Low = 2,
    NoFlow = 3,
    Leak = 4,
}

export interface FlowJudgement {
    verdict: FlowVerdict
    /** Measured flow, mL/min (-1 unknown). */
    measured: number
    /** Expected flow, mL/min (0 unknown). */
    expected: number
    /** Open zones as a bit mask (bit z = zone z). */
    mask: number
    /** The period was compared with a learned flow and found normal. */
    judgedOk: boolean
}

export const MAX_LEARNED = 12

export function bitCount(mask: number): number {
    let n = 0
    for (let z = 0; z < 16; z++) if ((mask & (1 << z)) !== 0) n++
    return n
}

export class FlowSupervisor {
    readonly cfg: FlowConfig
    /** Learned normal flow per open-zone mask, mL/min. */
    masks: number[] = []
    flows: number[] = []
    /** Counts changes to masks/flows by learning or relearning (the controller persists them
     *  when it moves). */
    version = 0
    /** Per-run averages not yet enough to learn from, per mask (RAM only). */
    histMask: number[] = []
    hist: number[][] = []
    wm: number[] = []
    wp: number[] = []
    mask = -1
    flowing = false
    stableSince = 0
    flowingSince = 0
    sumFlow = 0
    nFlow = 0
    lowReported = false
    lastPulses = -1
    lastPulseAt = 0

    constructor(cfg: FlowConfig) {
        this.cfg = cfg
    }

    learnedFor(mask: number): number {
        const i = this.masks.indexOf(mask)
        return i < 0 ? 0 : this.flows[i]
    }

    /** Records the meter and what should be flowing; resets the window on any change. */
    observe(monoS: number, pulses: number, openMask: number, flowing: boolean): void {
        if (openMask !== this.mask || flowing !== this.flowing) {
            commitRun(this)
            if (flowing && !this.flowing) this.flowingSince = monoS
            this.mask = openMask
            this.flowing = flowing
            this.stableSince = monoS
            this.wm = []
            this.wp = []
            this.lowReported = false
        }
        if (pulses !== this.lastPulses) {
            this.lastPulses = pulses
            this.lastPulseAt = monoS
        }
        this.wm.push(monoS)
        this.wp.push(pulses)
        while (this.wm.length > 2 && monoS - this.wm[1] >= this.cfg.windowS) {
            this.wm.shift()
            this.wp.shift()
        }
    }

    /** mL/min over the window, or -1 when the window is too short to say. */
    rate(): number {
        const n = this.wm.length
        if (n < 2) return -1
        const span = this.wm[n - 1] - this.wm[0]
        if (span < 5 || span * 2 < Math.min(this.cfg.windowS, this.cfg.noFlowS)) return -1
        const pulses = this.wp[n - 1] - this.wp[0]
        if (pulses < 0) return -1
        return Math.floor((pulses * this.cfg.mlPerPulse * 60) / span)
    }

    /**
     * Water is flowing now, by the meter: the windowed rate is above the no-flow threshold and
     * a pulse came within three pulse intervals at that rate (at least 3 s), so a meter that
     * stops counting withdraws its confirmation within seconds.
     */
    confirmed(monoS: number): boolean {
        const r = this.rate()
        if (r < this.cfg.minFlowMlPerMin) return false
        let gap = Math.floor((3 * this.cfg.mlPerPulse * 60) / r)
        if (gap < 3) gap = 3
        return monoS - this.lastPulseAt <= gap
    }

    judge(monoS: number): FlowJudgement {
        const c = this.cfg
        const measured = this.rate()
        const j: FlowJudgement = { verdict: FlowVerdict.None, measured: measured, expected: 0, mask: this.mask, judgedOk: false }
        if (measured < 0) return j
        if (this.flowing && monoS - this.flowingSince >= c.noFlowS && monoS - this.stableSince >= c.noFlowS && measured < c.minFlowMlPerMin) {
            j.verdict = FlowVerdict.NoFlow
            return j
        }
        const settled = monoS - this.stableSince >= c.settleS
        if (!settled) return j
        if (!this.flowing) {
            if (measured > c.leakMlPerMin) j.verdict = FlowVerdict.Leak
            return j
        }
        // Expected: the combination's learned flow, else the sum of its zones' own flows (zones
        // sharing a pump each get less when more are open, so the sum is an upper bound: no
        // extra tolerance; bursts in a set of zones near the pump's capacity raise the flow by
        // only 15-30 %).
        const learned = this.learnedFor(this.mask)
        const expected = learned > 0 ? learned : sumOfSingles(this, this.mask)
        if (expected > 0) {
            j.expected = expected
            if (measured * 100 > expected * (100 + c.highPct)) j.verdict = FlowVerdict.High
            else if ((expected - measured) * 100 > lowBase(this, this.mask, expected) * c.lowPct) {
                // Short by lowPct of one zone's own flow: a clog in one of several open zones
                // shows as that zone's loss, not diluted in the total.
                if (!this.lowReported) j.verdict = FlowVerdict.Low
                this.lowReported = true
            } else if (learned > 0) j.judgedOk = true
        }
        if (j.verdict === FlowVerdict.None) {
            this.sumFlow += measured
            this.nFlow++
        }
        return j
    }

    /** Forgets everything learned about combinations that include zone z (z < 0: all). */
    relearn(z: number): void {
        const masks: number[] = []
        const flows: number[] = []
        for (let i = 0; i < this.masks.length; i++) {
            if (z >= 0 && (this.masks[i] & (1 << z)) === 0) {
                masks.push(this.masks[i])
                flows.push(this.flows[i])
            }
        }
        this.masks = masks
        this.flows = flows
        this.histMask = []
        this.hist = []
        this.version++
    }
}

/** The flow a low verdict is a share of: the smallest own flow of the mask's zones, or
 *  `expected` when one of them is not learned (or the mask is one zone). */
function lowBase(me: FlowSupervisor, mask: number, expected: number): number {
    let least = expected
    for (let z = 0; z < 16; z++) {
        if ((mask & (1 << z)) === 0) continue
        const f = me.learnedFor(1 << z)
        if (f <= 0) return expected
        if (f < least) least = f
    }
    return least
}

function sumOfSingles(me: FlowSupervisor, mask: number): number {
    let sum = 0
    for (let z = 0; z < 16; z++) {
        if ((mask & (1 << z)) === 0) continue
        const f = me.learnedFor(1 << z)
        if (f <= 0) return 0
        sum += f
    }
    return sum
}

/** Ends a settled, normal period: its average joins the mask's history. */
function commitRun(me: FlowSupervisor): void {
    const n = me.nFlow
    const avg = n > 0 ? Math.floor(me.sumFlow / n) : 0
    me.sumFlow = 0
    me.nFlow = 0
    if (!me.flowing || me.mask <= 0 || n < 3 || me.learnedFor(me.mask) > 0) return
    let h = me.histMask.indexOf(me.mask)
    if (h < 0) {
        me.histMask.push(me.mask)
        me.hist.push([])
        h = me.histMask.length - 1
    }
    me.hist[h].push(avg)
    if (me.hist[h].length < me.cfg.learnRuns) return
    const sorted = me.hist[h].slice(0)
    sorted.sort((a, b) => a - b)
    setLearned(me, me.mask, sorted[Math.floor(sorted.length / 2)])
    // Drop the history (DeviceScript arrays have no splice).
    const hm: number[] = []
    const hh: number[][] = []
    for (let i = 0; i < me.histMask.length; i++) {
        if (i === h) continue
        hm.push(me.histMask[i])
        hh.push(me.hist[i])
    }
    me.histMask = hm
    me.hist = hh
}

function setLearned(me: FlowSupervisor, mask: number, flow: number): void {
    if (me.masks.length >= MAX_LEARNED) {
        // Forget the oldest combination of zones; single zones stay, since every other
        // combination is judged by their sum until it is learned.
        let old = 0
        while (old < me.masks.length - 1 && bitCount(me.masks[old]) < 2) old++
        const masks: number[] = []
        const flows: number[] = []
        for (let i = 0; i < me.masks.length; i++) {
            if (i === old) continue
            masks.push(me.masks[i])
            flows.push(me.flows[i])
        }
        me.masks = masks
        me.flows = flows
    }
    me.masks.push(mask)
    me.flows.push(flow)
    me.version++
}
