import { formatFloat, TemplateError, TemplateSet } from './go-template';
import { helmFunctions, mergeValues } from './helm-chart';

/** Expected outputs are what Go's text/template with Helm's functions gives for the same template and data. */
function render(source: string, data: unknown, partials = ''): string {
  const sut = new TemplateSet();
  if (partials) sut.add('_helpers.tpl', partials);
  sut.add('t', source);
  return sut.execute('t', data, helmFunctions());
}

describe(TemplateSet.name, () => {
  it('prints fields, trims around {{- and -}}, and drops comments', () => {
    expect(render('a: {{ .x }}\n  {{- /* gone */}}\nb: {{ .y.z -}}  \n\n c', { x: 'one', y: { z: 2 } })).toBe('a: one\nb: 2c');
  });

  it('takes a missing map key as nil but fails on a field of nil, as Helm does', () => {
    expect(render('[{{ .missing }}]', {})).toBe('[]');
    expect(() => render('{{ .missing.deeper }}', {})).toThrow(/nil pointer evaluating \.missing\.deeper/);
  });

  it('follows Go truthiness in if / else if / else and with', () => {
    const t = '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}';
    expect(render(t, { a: 1, b: 1 })).toBe('A');
    expect(render(t, { a: 0, b: 'x' })).toBe('B');
    expect(render(t, { a: [], b: {} })).toBe('C');
    expect(render(t, { a: '', b: false })).toBe('C');
    expect(render('{{ with .m }}{{ .k }}{{ else }}none{{ end }}', { m: { k: 'v' } })).toBe('v');
    expect(render('{{ with .m }}{{ .k }}{{ else }}none{{ end }}', { m: {} })).toBe('none');
  });

  it('ranges over lists and over maps in key order, binding variables and dot', () => {
    expect(render('{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}', { l: ['a', 'b'] })).toBe('0=a;1=b;');
    expect(render('{{ range $k, $v := .m }}{{ $k }}={{ . }};{{ end }}', { m: { b: 2, a: 1 } })).toBe('a=1;b=2;');
    expect(render('{{ range .l }}x{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
  });

  it('scopes variables to their block and keeps $ as the root inside range', () => {
    expect(render('{{ $x := "out" }}{{ if true }}{{ $x := "in" }}{{ $x }}{{ end }}{{ $x }}', {})).toBe('inout');
    expect(render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', {})).toBe('2');
    expect(render('{{ range .l }}{{ $.name }}{{ end }}', { l: [1, 2], name: 'r' })).toBe('rr');
    expect(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}', {})).toThrow(/undefined variable "\$y"/);
  });

  it('pipes the value as the last argument, and short-circuits and/or', () => {
    expect(render('{{ .v | default "d" | quote }}', {})).toBe('"d"');
    expect(render('{{ .v | default "d" | quote }}', { v: 'set' })).toBe('"set"');
    // .m.k would fail on nil: and stops at the first false argument.
    expect(render('{{ if and .m .m.k }}y{{ else }}n{{ end }}', {})).toBe('n');
    expect(render('{{ or .a .b "c" }}', { a: '', b: 0 })).toBe('c');
  });

  it('includes defined templates with their own dot, and indents them', () => {
    const helpers = '{{- define "labels" -}}\na: {{ .a }}\nb: x\n{{- end -}}';
    expect(render('m:\n  {{- include "labels" (dict "a" 1) | nindent 2 }}', {}, helpers)).toBe('m:\n  a: 1\n  b: x');
    expect(render('{{ template "labels" .v }}', { v: { a: 'q' } }, helpers)).toBe('a: q\nb: x');
  });

  it('keeps integers and float64 apart like Go: printf %d needs int, eq refuses to mix them', () => {
    expect(render('{{ printf "%s:%d" .h (int .p) }}', { h: 'h', p: 50051 })).toBe('h:50051');
    expect(render('{{ printf "%d" .p }}', { p: 50051 })).toBe('%!d(float64=50051)');
    expect(render('{{ mul .s 1000 }} {{ add .s 10 }}', { s: 15 })).toBe('15000 25');
    expect(() => render('{{ eq .p 1 }}', { p: 1 })).toThrow(/incompatible types for comparison/);
    expect(render('{{ .big }}', { big: 1000000 })).toBe('1e+06');
  });

  it('renders toYaml with sorted keys and unindented lists, without the final newline', () => {
    expect(render('{{ toYaml .v }}', { v: { b: [1, 'x'], a: { c: true } } })).toBe('a:\n  c: true\nb:\n- 1\n- x');
  });

  it('fails with the message of required and fail, and on unknown functions', () => {
    expect(() => render('{{ required "need x" .x }}', {})).toThrow('need x');
    expect(() => render('{{ fail "stop" }}', {})).toThrow('stop');
    expect(() => render('{{ lookup "v1" "Secret" "ns" "n" }}', {})).toThrow(/function "lookup" not defined/);
    expect(() => render('{{ if .a }}open', {})).toThrow(TemplateError);
    expect(() => render('{{ .a }', {})).toThrow(/unclosed action/);
    expect(() => render('{{ template `raw` . }}', {})).toThrow(/double-quoted name/);
    expect(() => render('{{ break }}', {})).toThrow(/unexpected \{\{ break \}\}/);
  });

  it('trims, truncates and replaces as Sprig does', () => {
    expect(render('{{ "release-name-that-is-long" | trunc 12 | trimSuffix "-" }}', {})).toBe('release-name');
    expect(render('{{ "a+b" | replace "+" "_" | upper }}', {})).toBe('A_B');
    expect(render('{{ print "a" "b" 1 2 }}', {})).toBe('ab1 2');
    expect(render('{{ contains "glm" "autoglm" }} {{ hasKey .m "k" }}', { m: { k: null } })).toBe('true true');
  });
});

describe(formatFloat.name, () => {
  it('prints float64 as Go %v does', () => {
    expect([0.5, 42, 123456, 1e6, 1234567, 1e-5, 0.0001].map((n) => formatFloat(n))).toEqual(['0.5', '42', '123456', '1e+06', '1.234567e+06', '1e-05', '0.0001']);
  });
});

describe(mergeValues.name, () => {
  it('merges maps key by key, replaces lists and deletes keys set to null', () => {
    const sut = mergeValues({ a: { b: 1, c: 2 }, l: [1, 2], d: 'x' }, { a: { c: 3 }, l: [9], d: null });
    expect(sut).toEqual({ a: { b: 1, c: 3 }, l: [9] });
  });
});
