import { escapeHtml, html, raw } from './html';

// An alias keeps the formatter from re-indenting these templates, whose exact text matters.
const h = html;

describe('html', () => {
  it('escapes every interpolated value', () => {
    // given text that would break out of markup and attributes
    const name = `<script>alert("x")</script> & 'quotes'`;

    // when it is interpolated
    const out = h`<p title="${name}">${name}</p>`.value;

    // then nothing of it is markup any more
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
    );
  });

  it('keeps SafeHtml and arrays of it as they are, and drops null, undefined and false', () => {
    const items = ['a', 'b'].map((x) => h`<li>${x}</li>`);
    expect(h`<ul>${items}${null}${undefined}${false}${raw('<hr>')}</ul>`.value).toBe(
      '<ul><li>a</li><li>b</li><hr></ul>',
    );
  });

  it('collapses the indentation of the template but keeps interpolated text as given', () => {
    const text = 'two  spaces';
    expect(
      h`<p>
        ${text}
      </p>`.value,
    ).toBe('<p> two  spaces </p>');
  });

  it('escapes an ampersand once', () => {
    expect(escapeHtml('a&amp;b')).toBe('a&amp;amp;b');
  });
});
