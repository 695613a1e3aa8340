using ImageApi.Processing.Naming;
using ImageApi.Processing.Security;
using ImageApi.Processing.Transforms;

namespace ImageApi.Processing.Tests.Security;

public class TransformSignerTests
{
    private const string Key1 = "first-signing-key-0123456789abcdef";
    private const string Key2 = "second-signing-key-0123456789abcdef";
    private static readonly SourceKey Source = SourceKey.Parse("uploads/a/cat.jpg");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly TransformParser _parser = new(new RenditionDefaults());

    private ParsedTransform Parse(string query) => _parser.Parse(query.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string?>(p[0], p.Length > 1 ? p[1] : null)));

    private static string Signed(string query, string sig) => query + "&sig=" + sig;

    [Fact]
    public void Signs_the_canonical_form_of_the_given_parameters()
    {
        Assert.Equal("w=400&h=300&fit=cover&format=jpeg&q=70&exp=1800000100", Parse("exp=1800000100&q=070&FORMAT=Jpeg&fit=COVER&h=300&W=400").SignedQuery);
        Assert.Equal("", Parse("").SignedQuery);
        Assert.Equal("w=400", Parse("w=400&sig=abc").SignedQuery);
        Assert.Equal("uploads/a/cat.jpg\nw=400", TransformSigner.Payload(Source, "w=400"));
    }

    [Fact]
    public void A_valid_signature_verifies_for_every_spelling()
    {
        var signer = new TransformSigner([Key1]);
        var sig = signer.Sign(Source, "w=400&fit=cover");
        Assert.Equal(43, sig.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", sig);
        Assert.Equal(SignatureCheck.Valid, signer.Verify(Source, Parse(Signed("w=400&fit=cover", sig)), Now));
        Assert.Equal(SignatureCheck.Valid, signer.Verify(Source, Parse(Signed("FIT=Cover&w=0400", sig)), Now));
    }

    [Theory]
    [InlineData("w=401&fit=cover")]
    [InlineData("w=400")]
    [InlineData("w=400&fit=cover&q=80")]
    public void Any_other_parameters_do_not_verify(string query)
    {
        var signer = new TransformSigner([Key1]);
        var sig = signer.Sign(Source, "w=400&fit=cover");
        Assert.Equal(SignatureCheck.Invalid, signer.Verify(Source, Parse(Signed(query, sig)), Now));
    }

    [Fact]
    public void Another_key_does_not_verify()
    {
        var sig = new TransformSigner([Key1]).Sign(Source, "w=400");
        Assert.Equal(SignatureCheck.Invalid, new TransformSigner([Key1]).Verify(SourceKey.Parse("uploads/a/dog.jpg"), Parse(Signed("w=400", sig)), Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-base64!")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_or_missing_signatures_do_not_verify(string sig)
    {
        var signer = new TransformSigner([Key1]);
        var expected = sig.Length == 0 ? SignatureCheck.Missing : SignatureCheck.Invalid;
        Assert.Equal(expected, signer.Verify(Source, Parse(sig.Length == 0 ? "w=400" : Signed("w=400", sig)), Now));
    }

    [Fact]
    public void Expiry_is_signed_and_enforced()
    {
        var signer = new TransformSigner([Key1]);
        var future = signer.Sign(Source, "w=400&exp=1800000100");
        Assert.Equal(SignatureCheck.Valid, signer.Verify(Source, Parse(Signed("w=400&exp=1800000100", future)), Now));
        Assert.Equal(SignatureCheck.Invalid, signer.Verify(Source, Parse(Signed("w=400&exp=1900000000", future)), Now));

        var past = signer.Sign(Source, "w=400&exp=1799999999");
        Assert.Equal(SignatureCheck.Expired, signer.Verify(Source, Parse(Signed("w=400&exp=1799999999", past)), Now));
        Assert.Equal(Parse("w=400").Request, Parse("w=400&exp=1799999999").Request);
    }

    [Fact]
    public void Keys_rotate()
    {
        var old = new TransformSigner([Key1]).Sign(Source, "w=400");
        Assert.Equal(SignatureCheck.Valid, new TransformSigner([Key2, Key1]).Verify(Source, Parse(Signed("w=400", old)), Now));
        Assert.Equal(SignatureCheck.Invalid, new TransformSigner([Key2]).Verify(Source, Parse(Signed("w=400", old)), Now));
        Assert.Equal(new TransformSigner([Key2, Key1]).Sign(Source, "w=400"), new TransformSigner([Key2]).Sign(Source, "w=400"));
    }

    [Fact]
    public void Auto_is_signed_as_auto_and_nothing_else()
    {
        // CloudFront no longer rewrites format=auto, so a URL signed for auto reaches the origin as auto.
        var signer = new TransformSigner([Key1]);
        var sig = signer.Sign(Source, "w=400&format=auto");
        Assert.Equal("w=400&format=auto", Parse("FORMAT=Auto&w=400").SignedQuery);
        Assert.Equal(SignatureCheck.Valid, signer.Verify(Source, Parse(Signed("w=400&format=AUTO", sig)), Now));
        Assert.Equal(SignatureCheck.Invalid, signer.Verify(Source, Parse(Signed("w=400&format=webp", sig)), Now));
        Assert.Equal(SignatureCheck.Invalid, signer.Verify(Source, Parse(Signed("w=400&format=auto", signer.Sign(Source, "w=400&format=webp"))), Now));
    }

    [Fact]
    public void Signatures_made_before_the_parameter_table_still_verify()
    {
        // HMAC-SHA256 of "uploads/a/cat.jpg\nw=400&h=300&fit=cover&format=jpeg&q=70&exp=1800000100" under
        // Key1, computed independently (Python's hmac), so a change of the signed string's format fails here.
        const string Issued = "XMcVlRR2N9tDRSYVF-UsVA1lUiZs8zEJ2Vf2zWa_ZAk";
        var signer = new TransformSigner([Key1]);
        Assert.Equal(Issued, signer.Sign(Source, "w=400&h=300&fit=cover&format=jpeg&q=70&exp=1800000100"));
        Assert.Equal(SignatureCheck.Valid, signer.Verify(Source, Parse(Signed("exp=1800000100&q=070&FORMAT=Jpeg&fit=COVER&h=300&W=400", Issued)), Now));
    }

    [Fact]
    public void Avif_is_signed_like_every_format()
    {
        Assert.Equal("w=400&format=avif&q=55", Parse("q=55&format=AVIF&w=400").SignedQuery);
    }
}
