import { join } from 'node:path';
import { fromJSON, loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { HEALTH_LOADER_OPTIONS, HEALTH_PROTO_DESCRIPTOR, HEALTH_SERVICE_PATH, HealthStatusBoard, healthServiceDefinition, ServingStatus } from './health-service';

type Methods = Record<string, MethodDefinition<object, object>>;

describe(HealthStatusBoard.name, () => {
  describe('the served descriptor', () => {
    const fromFile = loadSync(join(__dirname, 'health.proto'), HEALTH_LOADER_OPTIONS)[HEALTH_SERVICE_PATH] as Methods;
    const sut = healthServiceDefinition() as unknown as Methods;

    it('has the methods of the standard health.proto, with the same paths and stream kinds', () => {
      const shape = (methods: Methods) =>
        Object.fromEntries(Object.entries(methods).map(([name, m]) => [name, { path: m.path, requestStream: m.requestStream, responseStream: m.responseStream }]));
      expect(shape(sut)).toEqual(shape(fromFile));
      expect(shape(sut)).toEqual({
        Check: { path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false },
        Watch: { path: '/grpc.health.v1.Health/Watch', requestStream: false, responseStream: true },
      });
    });

    it('encodes and decodes the messages byte for byte like the file', () => {
      for (const name of ['Check', 'Watch']) {
        const [ours, theirs] = [sut[name], fromFile[name]] as [MethodDefinition<object, object>, MethodDefinition<object, object>];
        const request = { service: 'autoglm.crawler.v1.CrawlerService' };
        expect(ours.requestSerialize(request)).toEqual(theirs.requestSerialize(request));
        for (const status of [ServingStatus.UNKNOWN, ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVICE_UNKNOWN]) {
          const bytes = theirs.responseSerialize({ status });
          expect(ours.responseSerialize({ status })).toEqual(bytes);
          expect(ours.responseDeserialize(bytes)).toEqual({ status });
        }
      }
    });

    it('is the JSON form of the file', () => {
      expect(Object.keys(fromJSON(HEALTH_PROTO_DESCRIPTOR, HEALTH_LOADER_OPTIONS)).sort()).toEqual(
        Object.keys(loadSync(join(__dirname, 'health.proto'), HEALTH_LOADER_OPTIONS)).sort(),
      );
    });
  });

  it('knows only the services it was given, and changes a status', () => {
    const sut = new HealthStatusBoard({ '': ServingStatus.SERVING });
    expect(sut.get('')).toBe(ServingStatus.SERVING);
    expect(sut.get('other')).toBeUndefined();
    sut.set('', ServingStatus.NOT_SERVING);
    expect(sut.get('')).toBe(ServingStatus.NOT_SERVING);
  });

  it('reports every service NOT_SERVING when the server shuts down', () => {
    const sut = new HealthStatusBoard({ '': ServingStatus.SERVING, 'autoglm.storage.v1.StorageService': ServingStatus.SERVING });
    sut.shutdown();
    expect([sut.get(''), sut.get('autoglm.storage.v1.StorageService')]).toEqual([ServingStatus.NOT_SERVING, ServingStatus.NOT_SERVING]);
  });
});
