# Ruby VCR (hooked into WebMock) records Net::HTTP requests against server.py, as an RSpec
# suite would. Writes ruby-vcr/net_http.yml (YAML), ruby-vcr/net_http.json (JSON through the
# json gem) and ruby-vcr/net_http_oj.json (JSON through Oj, which MultiJson picks by default
# when Oj is installed). record: :once replays an existing cassette, so make_cassettes.sh
# deletes them first.
require 'json'
require 'net/http'
require 'uri'
require 'multi_json'
require 'vcr'
require 'webmock'

base = ENV.fetch('BASE', 'http://127.0.0.1:18765')
out = File.join(ENV.fetch('OUT', File.expand_path('..', __dir__)), 'ruby-vcr')
spec = JSON.parse(File.read(File.join(__dir__, 'requests.json'), encoding: 'UTF-8'))

VCR.configure do |c|
  c.cassette_library_dir = out
  c.hook_into :webmock
  c.default_cassette_options = { record: :once }
end

def run(base, spec)
  uri = URI(base)
  Net::HTTP.start(uri.host, uri.port) do |http|
    spec['requests'].each do |req|
      klass = Net::HTTP.const_get(req['method'].capitalize)
      request = klass.new(req['path'])
      spec['headers'].each { |name, value| request[name] = value }
      if req['json']
        request['Content-Type'] = 'application/json'
        request.body = JSON.generate(req['json'])
      end
      # Net::HTTP does not follow redirects: the 301 is recorded alone.
      http.request(request)
    end
    # Net::HTTP decodes gzip (and drops Content-Encoding) only when it chose Accept-Encoding
    # itself; a client that asks for gzip by name gets, and VCR records, the compressed bytes.
    request = Net::HTTP::Get.new('/v1/gzip-error')
    spec['headers'].each { |name, value| request[name] = value }
    request['Accept-Encoding'] = 'gzip'
    http.request(request)
  end
end

# The json gem refuses a string that is not UTF-8 ("source sequence is illegal/malformed utf-8"),
# so that cassette asks VCR to keep such bodies as base64 (VCR's documented answer);
# Oj writes the raw bytes into the JSON string instead, and YAML marks them !binary.
$keep_bytes = false
VCR.configure do |c|
  c.preserve_exact_body_bytes { |message| $keep_bytes && !message.body.dup.force_encoding('UTF-8').valid_encoding? }
end

[
  ['net_http', :yaml, nil],
  ['net_http', :json, :json_gem],
  ['net_http_oj', :json, :oj]
].each do |name, serializer, adapter|
  MultiJson.use(adapter) if adapter
  $keep_bytes = adapter == :json_gem
  VCR.use_cassette(name, serialize_with: serializer) { run(base, spec) }
  puts "wrote #{File.join(out, name)}.#{serializer == :yaml ? 'yml' : 'json'} (#{MultiJson.adapter})"
end
