// The parts of the `tdigest` package (no types of its own) that the rollup sketches use.
declare module 'tdigest' {
  export interface Centroid {
    mean: number;
    n: number;
  }
  export class TDigest {
    constructor(delta?: number | false, K?: number, CX?: number);
    push(x: number | number[], n?: number): void;
    push_centroid(c: Centroid | Centroid[]): void;
    toArray(everything?: boolean): Centroid[];
    percentile(p: number): number;
    size(): number;
    reset(): void;
    n: number;
  }
  const tdigest: { TDigest: typeof TDigest };
  export default tdigest;
}
