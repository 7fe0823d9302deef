// Placeholder; replaced by the CLI work (builds the CLI bundle once before the suite).
export default function setup(): void {}
