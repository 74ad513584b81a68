import { Inject } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { CreatePushRuleArgs, PushRuleDto, PushRuleIdArgs, UpdatePushRuleArgs } from './push.dto';
import { mapPushRule, mapPushRuleInput } from './push.mapper';

/** The caller's rules over GraphQL (an API key is required, as for /api/v1/me/rules). */
@Access(AccessPolicy.KeyHolder)
@Resolver(() => PushRuleDto)
export class PushRulesResolver {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  @Query(() => [PushRuleDto], { description: 'Your rules.' })
  async pushRules(@CurrentCaller() caller: Caller): Promise<PushRuleDto[]> {
    return (await this.storage.listPushRules({}, { actor: caller.userId })).rules.map(mapPushRule);
  }

  @Mutation(() => PushRuleDto, { description: 'Make a rule; it runs on every article analysed from now on.' })
  async createPushRule(@CurrentCaller() caller: Caller, @Args() args: CreatePushRuleArgs): Promise<PushRuleDto> {
    return mapPushRule((await this.storage.createPushRule({ rule: mapPushRuleInput(args.rule) }, { actor: caller.userId })).rule);
  }

  @Mutation(() => PushRuleDto, { description: 'Replace one of your rules.' })
  async updatePushRule(@CurrentCaller() caller: Caller, @Args() args: UpdatePushRuleArgs): Promise<PushRuleDto> {
    return mapPushRule((await this.storage.updatePushRule({ id: args.id, rule: mapPushRuleInput(args.rule) }, { actor: caller.userId })).rule);
  }

  @Mutation(() => Boolean, { description: 'Delete one of your rules.' })
  async deletePushRule(@CurrentCaller() caller: Caller, @Args() args: PushRuleIdArgs): Promise<boolean> {
    await this.storage.deletePushRule({ id: args.id }, { actor: caller.userId });
    return true;
  }
}
