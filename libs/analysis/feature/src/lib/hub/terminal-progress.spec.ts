import { TerminalProgress } from './terminal-progress';

describe(TerminalProgress.name, () => {
  it('redraws one bar in place on a terminal', () => {
    const out: string[] = [];
    const sut = new TerminalProgress({ write: (t: string) => out.push(t), isTTY: true, columns: 120 });
    sut.start('onnx/model.onnx', 4 * 1_048_576, 0);
    sut.advance('onnx/model.onnx', 1_048_576);
    expect(out.at(-1)).toBe(`\r\x1b[Konnx/model.onnx [########----------------------] 25% 1.0 MB/4.0 MB`);
    sut.finish('onnx/model.onnx', 'downloaded', 'ab');
    expect(out.slice(-2)).toEqual(['\r\x1b[K', 'onnx/model.onnx: downloaded, sha256 ab\n']);
  });

  it('writes plain lines at each quarter elsewhere', () => {
    const out: string[] = [];
    const sut = new TerminalProgress({ write: (t: string) => out.push(t) });
    sut.start('model.onnx', 4 * 1_048_576, 1_048_576);
    for (let i = 0; i < 12; i++) sut.advance('model.onnx', 262_144);
    sut.finish('model.onnx', 'downloaded', 'ab');
    expect(out).toEqual([
      'model.onnx: downloading (4.0 MB), resuming at 1.0 MB\n',
      'model.onnx: 50% (2.0 MB of 4.0 MB)\n',
      'model.onnx: 75% (3.0 MB of 4.0 MB)\n',
      'model.onnx: downloaded, sha256 ab\n',
    ]);
  });
});
